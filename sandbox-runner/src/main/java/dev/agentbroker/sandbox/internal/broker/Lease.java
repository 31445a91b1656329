package dev.agentbroker.sandbox.internal.broker;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A minted token and its lease. {@link #toString()} never shows the token: logs and errors carry
 * the lease id and {@link #tokenSha256Prefix()} for correlation with the broker's audit trail.
 */
public record Lease(
    String token,
    Instant expiresAt,
    Map<String, String> permissions,
    List<String> repositories,
    String leaseId) {

  /** The first 12 hex digits of the token's SHA-256 (the broker journals the full hash). */
  public String tokenSha256Prefix() {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "Lease[" + leaseId + ", sha256=" + tokenSha256Prefix() + "…, expires " + expiresAt + "]";
  }
}
