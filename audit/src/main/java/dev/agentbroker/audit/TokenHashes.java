package dev.agentbroker.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The only sanctioned way for a token to reach an audit event: as its SHA-256 digest. The digest
 * lets an operator correlate a leaked token with the decision that minted it without the journal
 * (or Splunk) ever holding a usable credential.
 */
public final class TokenHashes {
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  private TokenHashes() {}

  /** Lower-case hex SHA-256 of the UTF-8 bytes of {@code token}. */
  public static String sha256Hex(String token) {
    Objects.requireNonNull(token, "token");
    return HexFormat.of().formatHex(sha256(token.getBytes(StandardCharsets.UTF_8)));
  }

  /** True if {@code value} has the shape of a digest produced by {@link #sha256Hex}. */
  public static boolean isSha256Hex(String value) {
    return value != null && SHA256_HEX.matcher(value).matches();
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      // Every Java SE runtime is required to ship SHA-256.
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
