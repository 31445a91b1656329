package dev.agentbroker.broker.state;

/**
 * The shared state store did not answer, or answered something this broker did not write. Callers
 * fail closed ({@code 503 state_unavailable}): a wrong answer about a lease or a grant is a
 * security problem, an unavailable one is only an outage. The message never holds a secret or the
 * Redis URL.
 */
public final class StateUnavailableException extends Exception {
  private static final long serialVersionUID = 1L;

  public StateUnavailableException(String message) {
    super(message, null, false, false);
  }
}
