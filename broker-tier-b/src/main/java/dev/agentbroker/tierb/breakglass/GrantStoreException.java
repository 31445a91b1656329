package dev.agentbroker.tierb.breakglass;

/**
 * The grant store cannot be read or written. At start-up the broker refuses to start on it
 * (starting empty would forget pending approvals and, worse, could make a used grant look unused);
 * during a step the step is refused {@code 503 state_unavailable}. The message never holds a
 * secret.
 */
public final class GrantStoreException extends Exception {
  private static final long serialVersionUID = 1L;

  public GrantStoreException(String message, Throwable cause) {
    super(message, cause);
  }

  public GrantStoreException(String message) {
    super(message);
  }
}
