package dev.agentbroker.audit;

/**
 * Durable, ordered, tamper-evident sink for audit events.
 *
 * <p>Contract for callers: append the event describing a decision first, and only act on the
 * decision once append has returned. Any {@link AuditUnavailableException} means "not audited", so
 * the action must be refused.
 */
public interface AuditJournal extends AutoCloseable {

  /**
   * Appends an event and returns only once it is on disk and fsync'd.
   *
   * @throws AuditUnavailableException if durability could not be confirmed; see {@link
   *     AuditUnavailableException.Reason}
   */
  Appended append(AuditEvent event) throws AuditUnavailableException;

  JournalStats stats();

  /** Writes what is already queued, then releases files; later appends fail with CLOSED. */
  @Override
  void close();
}
