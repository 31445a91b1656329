package dev.agentbroker.testkit.github;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

/**
 * GitHub installation-token formats, for the simulator and for tests that need realistic tokens.
 *
 * <p>{@link #classic}: {@code ghs_} and 36 base62 characters (40 in all), GitHub's format until
 * 2026. {@link #stateless}: GitHub's 2026 format (changelog 2026-04 "new format for GitHub App
 * installation tokens", rolled out to every App by late June 2026): {@code ghs_<appId>_<JWT>}, a
 * signed JWT with two dots and base64url characters, ~520 characters in all and variable. Here the
 * JWT is really RS256-signed with a key only the simulator holds, so its length and alphabet are a
 * real JWT's; nothing outside the simulator should ever parse it (GitHub says: treat tokens as
 * opaque).
 */
public final class InstallationTokens {
  /** GitHub's request header that forces a format for one mint (2026-05-15 changelog). */
  public static final String FORMAT_HEADER = "X-GitHub-Stateless-S2S-Token";

  private static final char[] BASE62 =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static volatile InstallationTokens shared;

  private final PrivateKey signingKey;

  /** A generator that signs stateless tokens with {@code signingKey} (RSA). */
  public InstallationTokens(PrivateKey signingKey) {
    this.signingKey = signingKey;
  }

  /**
   * The process-wide generator (the simulator's): one RSA-2048 key made on first use, since key
   * generation is slow and tokens stay unique through their random {@code jti}.
   */
  public static InstallationTokens shared() {
    InstallationTokens s = shared;
    if (s == null) {
      synchronized (InstallationTokens.class) {
        if (shared == null) {
          shared = new InstallationTokens(rsa2048().getPrivate());
        }
        s = shared;
      }
    }
    return s;
  }

  /** A realistic stateless token for tests that only need its shape. */
  public static String statelessSample(long appId, long installationId) {
    Instant now = Instant.now();
    return shared().stateless(appId, installationId, now, now.plusSeconds(3600));
  }

  /** {@code ghs_} + 36 random base62 characters. */
  public static String classic() {
    byte[] bytes = new byte[36];
    RANDOM.nextBytes(bytes);
    char[] out = new char[36];
    for (int i = 0; i < out.length; i++) {
      // 62 does not divide 256 so this is very slightly biased; irrelevant for test tokens.
      out[i] = BASE62[(bytes[i] & 0xff) % BASE62.length];
    }
    return "ghs_" + new String(out);
  }

  /** {@code ghs_<appId>_<header>.<claims>.<RS256 signature>}. */
  public String stateless(long appId, long installationId, Instant issuedAt, Instant expiresAt) {
    byte[] jti = new byte[12];
    RANDOM.nextBytes(jti);
    String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"sim-1\"}";
    String claims =
        "{\"iss\":\"github\",\"app_id\":"
            + appId
            + ",\"installation_id\":"
            + installationId
            + ",\"iat\":"
            + issuedAt.getEpochSecond()
            + ",\"exp\":"
            + expiresAt.getEpochSecond()
            + ",\"jti\":\""
            + HexFormat.of().formatHex(jti)
            + "\"}";
    String signingInput = b64(header) + "." + b64(claims);
    try {
      Signature s = Signature.getInstance("SHA256withRSA");
      s.initSign(signingKey);
      s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return "ghs_" + appId + "_" + signingInput + "." + B64URL.encodeToString(s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a simulated token", e);
    }
  }

  private static String b64(String json) {
    return B64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static KeyPair rsa2048() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA unavailable", e);
    }
  }
}
