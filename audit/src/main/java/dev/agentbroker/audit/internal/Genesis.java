package dev.agentbroker.audit.internal;

import dev.agentbroker.audit.AuditEvent;
import dev.agentbroker.audit.AuditEventJson;
import dev.agentbroker.audit.JournalKey;
import dev.agentbroker.audit.Outcomes;
import java.time.Instant;
import java.util.Map;

/**
 * The genesis record opens a keyed chain: an ordinary event (so it is shipped like any other) whose
 * details bind the journal id and the key id. It is HMAC'd like every keyed record, so only the key
 * holder can write one; it links to the last unkeyed record when an old journal is migrated, which
 * is how the boundary between unauthenticated legacy records and authenticated ones is fixed.
 */
public final class Genesis {
  public static final String ACTION = "audit.journal.genesis";
  public static final String CHAIN = "hmac-sha256/v1";
  // Cheap pre-filter; canonical JSON writes the top-level action right after time.
  private static final String MARKER = "\"action\":\"" + ACTION + "\"";

  /** What a genesis record declares. */
  public record Info(String journalId, String keyId, long legacyThroughSeq) {}

  private Genesis() {}

  public static AuditEvent event(
      Instant time, String journalId, JournalKey key, long legacyThroughSeq) {
    return AuditEvent.builder(ACTION, Outcomes.ALLOWED)
        .time(time)
        .severity("info")
        .details(
            Map.of(
                "chain",
                CHAIN,
                "journal_id",
                journalId,
                "key_id",
                key.keyId(),
                "legacy_through_seq",
                Long.toString(legacyThroughSeq)))
        .build();
  }

  /** The declaration if {@code eventJson} is a genesis event, else null. Never throws. */
  public static Info parse(String eventJson) {
    if (!eventJson.contains(MARKER)) {
      return null;
    }
    try {
      AuditEvent e = AuditEventJson.fromJson(eventJson);
      Map<String, String> d = e.details();
      if (!ACTION.equals(e.action()) || d == null || !CHAIN.equals(d.get("chain"))) {
        return null;
      }
      return new Info(
          String.valueOf(d.get("journal_id")),
          String.valueOf(d.get("key_id")),
          Long.parseLong(d.getOrDefault("legacy_through_seq", "0")));
    } catch (RuntimeException e) {
      return null;
    }
  }
}
