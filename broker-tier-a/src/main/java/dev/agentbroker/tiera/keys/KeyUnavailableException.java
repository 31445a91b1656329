package dev.agentbroker.tiera.keys;

/** The App key cannot be used right now; minting must be refused (fail closed). */
public final class KeyUnavailableException extends Exception {
  private static final long serialVersionUID = 1L;

  public KeyUnavailableException(String message) {
    super(message);
  }

  public KeyUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
