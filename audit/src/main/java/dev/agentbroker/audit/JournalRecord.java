package dev.agentbroker.audit;

/**
 * One journal record as read back from disk (see {@link JournalReader}).
 *
 * @param sequence contiguous 1-based sequence number
 * @param prevHash chain hash of the previous record (64 zeros for the first record ever)
 * @param hash SHA-256 hex over {@code prevHash + "\n" + eventJson}
 * @param eventJson the canonical event JSON exactly as hashed; ship this verbatim
 */
public record JournalRecord(long sequence, String prevHash, String hash, String eventJson) {
  /** Parses {@link #eventJson()}. */
  public AuditEvent event() {
    return AuditEventJson.fromJson(eventJson);
  }
}
