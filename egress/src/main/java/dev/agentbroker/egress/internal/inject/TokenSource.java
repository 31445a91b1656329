package dev.agentbroker.egress.internal.inject;

import java.time.Instant;

/** Where the proxy gets a run's token: the broker (production) or a test's stand-in broker. */
public interface TokenSource {
  /** Mints a token for exactly this grant; blocking. */
  Lease mint(Grant grant) throws MintException;

  /** Revokes a lease early; true when the lease is gone. Blocking. */
  boolean revoke(String leaseId);

  /** A minted token. Its text never appears in {@link #toString()}. */
  final class Lease {
    private final String token;
    private final String leaseId;
    private final Instant expiresAt;

    public Lease(String token, String leaseId, Instant expiresAt) {
      this.token = token;
      this.leaseId = leaseId;
      this.expiresAt = expiresAt;
    }

    String token() {
      return token;
    }

    public String leaseId() {
      return leaseId;
    }

    public Instant expiresAt() {
      return expiresAt;
    }

    @Override
    public String toString() {
      return "Lease[" + leaseId + ", expires " + expiresAt + "]";
    }
  }

  /** The broker refused or could not be asked; {@code code} is stable and secret-free. */
  final class MintException extends Exception {
    private final String code;

    public MintException(String code) {
      super(code, null, false, false);
      this.code = code;
    }

    public String code() {
      return code;
    }
  }
}
