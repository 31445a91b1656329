package dev.agentbroker.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
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
  private static final Pattern HASHED_TOKEN = Pattern.compile("[A-Za-z0-9+/]{43}=");

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

  /**
   * GitHub's audit-log {@code hashed_token} for {@code token}: standard Base64, with padding, of
   * the SHA-256 of its UTF-8 bytes (what GitHub's docs compute with {@code echo -n TOKEN | openssl
   * dgst -sha256 -binary | base64}). Same digest as {@link #sha256Hex}, other encoding; carrying it
   * lets Splunk join a broker issuance with what GitHub recorded the token doing.
   */
  public static String githubHashedToken(String token) {
    Objects.requireNonNull(token, "token");
    return Base64.getEncoder().encodeToString(sha256(token.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * {@link #githubHashedToken} from a {@link #sha256Hex} digest, so an event that only holds the
   * digest can still carry GitHub's encoding. Throws if {@code sha256Hex} is not such a digest.
   */
  public static String githubHashedTokenOfSha256Hex(String sha256Hex) {
    if (!isSha256Hex(sha256Hex)) {
      // Never echo the value: it may be a raw token passed by mistake.
      throw new IllegalArgumentException("not a lower-case hex SHA-256 digest");
    }
    return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha256Hex));
  }

  /** True if {@code value} has the shape of {@link #githubHashedToken}: 44 Base64 characters. */
  public static boolean isGithubHashedToken(String value) {
    return value != null && HASHED_TOKEN.matcher(value).matches();
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
