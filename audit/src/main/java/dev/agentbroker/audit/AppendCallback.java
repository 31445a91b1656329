package dev.agentbroker.audit;

/**
 * Completion of an asynchronous append: exactly one argument is non-null.
 *
 * <p>Runs on the journal's writer thread (or, for an append refused up front, on the thread that
 * called {@link FileJournal#appendAsync}). Every callback delays every later append, so it must be
 * quick: hand the result to your own executor or event loop. It must not call {@link
 * FileJournal#append}, which would wait for the very thread it is running on (it throws {@link
 * IllegalStateException} there instead); {@link FileJournal#appendAsync} is fine. A {@link
 * RuntimeException} it throws is caught and counted in {@link JournalStats#callbackErrors()}.
 */
@FunctionalInterface
public interface AppendCallback {
  /**
   * @param appended the durable record's position and hash, or null on failure
   * @param failure why the event is not audited, or null on success; act as for a thrown {@link
   *     AuditUnavailableException}: refuse the action
   */
  void done(Appended appended, AuditUnavailableException failure);
}
