package dev.agentbroker.audit;

import java.util.Objects;

/**
 * The journal could not confirm that an event is durable. Callers must fail closed: the action the
 * event describes must not happen.
 */
public final class AuditUnavailableException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why the append was not confirmed. */
  public enum Reason {
    /** Writing or syncing failed (disk full, read-only, I/O error) or the journal is wedged. */
    IO_ERROR,
    /** More than {@code maxPending} appends are already waiting; rejected without waiting. */
    BACKLOG_FULL,
    /**
     * Not confirmed within {@code appendTimeout}. The event may or may not end up in the journal
     * (see README); either way the caller must treat the action as not audited.
     */
    TIMEOUT,
    /** The journal is closed. */
    CLOSED
  }

  private final Reason reason;

  public AuditUnavailableException(Reason reason, String message) {
    this(reason, message, null);
  }

  public AuditUnavailableException(Reason reason, String message, Throwable cause) {
    super(reason + ": " + message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }
}
