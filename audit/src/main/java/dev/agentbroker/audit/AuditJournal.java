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

  /**
   * Queues an event without waiting for its fsync; {@code callback} reports the outcome exactly
   * once. Events are written in the order they were appended, whichever method appended them, so
   * once a later {@link #append} has returned, every earlier queued event is durable or has been
   * reported failed. This default appends synchronously (durable before the callback runs);
   * journals with a writer thread override it.
   */
  default void appendAsync(AuditEvent event, AppendCallback callback) {
    Appended appended;
    try {
      appended = append(event);
    } catch (AuditUnavailableException e) {
      callback.done(null, e);
      return;
    }
    callback.done(appended, null);
  }

  JournalStats stats();

  /**
   * False while the journal is closed or wedged, or its most recent write attempt failed: an append
   * now would probably fail too. Cheap enough to ask on every request.
   */
  default boolean healthy() {
    return stats().healthy();
  }

  /** Writes what is already queued, then releases files; later appends fail with CLOSED. */
  @Override
  void close();
}
