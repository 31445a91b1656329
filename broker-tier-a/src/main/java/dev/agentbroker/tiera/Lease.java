package dev.agentbroker.tiera;

import java.time.Instant;
import java.util.List;

/**
 * A token the broker issued and can still revoke. Held only in memory until expiry; {@link
 * #toString()} never prints the token.
 */
public record Lease(
    String leaseId,
    String identityId,
    String issuer,
    String subject,
    String owner,
    List<String> repositories,
    String tokenSha256,
    Instant expiresAt,
    String token) {

  public Lease {
    repositories = List.copyOf(repositories);
  }

  @Override
  public String toString() {
    return "Lease[" + leaseId + ", identity=" + identityId + ", sha256=" + tokenSha256 + "]";
  }
}
