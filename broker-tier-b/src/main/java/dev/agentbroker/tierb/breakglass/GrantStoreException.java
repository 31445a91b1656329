package dev.agentbroker.tierb.breakglass;

/**
 * The grant store cannot be read. The broker refuses to start on it: starting empty would forget
 * pending approvals and, worse, could make a used grant look unused.
 */
public final class GrantStoreException extends Exception {
  private static final long serialVersionUID = 1L;

  public GrantStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
