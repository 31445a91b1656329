package dev.agentbroker.tiera.keys;

import java.time.Instant;

/** Signs GitHub App JWTs (RS256). Implementations must never expose the private key. */
public interface AppJwtSigner {
  /**
   * Returns a compact RS256 JWT with the given {@code iss}, {@code iat} and {@code exp}.
   *
   * @throws KeyUnavailableException when the key cannot be reached or used right now
   */
  String sign(String issuer, Instant issuedAt, Instant expiresAt) throws KeyUnavailableException;

  /** A non-secret description for health checks and logs, e.g. {@code file (RSA 2048)}. */
  String describe();

  /**
   * GitHub answered 401 to a JWT this signer made. Sources that can rotate use the hint to look for
   * a newer key (or fall back to the other of two overlapping keys) before the caller re-signs. The
   * default does nothing: a file key cannot change under a running broker.
   */
  default void keyRejected() {}
}
