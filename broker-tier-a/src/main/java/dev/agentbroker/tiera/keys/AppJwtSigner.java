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
}
