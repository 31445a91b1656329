package dev.agentbroker.audit.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The chain link: {@code hash = SHA-256(prevHash + "\n" + eventJson)}, lower-case hex. */
public final class ChainHash {
  /** prev_hash of the very first record: there is nothing before it to commit to. */
  public static final String GENESIS = "0".repeat(64);

  private ChainHash() {}

  public static String compute(String prevHash, String eventJson) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
    digest.update(prevHash.getBytes(StandardCharsets.US_ASCII));
    digest.update((byte) '\n');
    digest.update(eventJson.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(digest.digest());
  }
}
