package dev.agentbroker.tiera;

/**
 * The lease store did not answer, or answered something the broker cannot trust (a sealed token
 * that does not open). {@link TokenService} fails closed on it ({@code 503 state_unavailable}):
 * never a token it cannot revoke, never a "no such lease" it does not know to be true. The message
 * names no secret and no store address.
 */
public final class LeaseStoreUnavailableException extends Exception {
  private static final long serialVersionUID = 1L;

  public LeaseStoreUnavailableException(String message) {
    super(message, null, false, false);
  }
}
