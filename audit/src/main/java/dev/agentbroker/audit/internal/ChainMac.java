package dev.agentbroker.audit.internal;

import dev.agentbroker.audit.JournalKey;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.crypto.Mac;

/**
 * The keyed chain link: {@code hash = HMAC-SHA256(key, prevHash + "\n" + eventJson)}, lower-case
 * hex. Same input as {@link ChainHash}, so a keyed record differs from a legacy one only in who can
 * produce it. Holds one {@link Mac}: not thread-safe, one instance per thread.
 */
public final class ChainMac {
  private final Mac mac;

  public ChainMac(JournalKey key) {
    this.mac = key.newMac();
  }

  public String compute(String prevHash, String eventJson) {
    mac.update(prevHash.getBytes(StandardCharsets.US_ASCII));
    mac.update((byte) '\n');
    mac.update(eventJson.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(mac.doFinal());
  }

  /** HMAC of a label-prefixed text, for checkpoints. */
  public String sign(String text) {
    return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
  }
}
