package dev.agentbroker.broker.state;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secrets (lease tokens, sign-in verifiers and nonces, CSRF tokens) with AES-256-GCM before
 * they reach the shared store, so a Redis snapshot on disk, a replica of it or a {@code MONITOR}
 * session holds no usable credential. The additional data binds each sealed value to its record
 * (for example the lease id): a value copied to another record does not open.
 *
 * <p>Wire form: {@code v1.} + base64url(12-byte random nonce ‖ ciphertext ‖ 16-byte tag).
 */
public final class Sealer {
  private static final String PREFIX = "v1.";
  private static final int NONCE = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;

  /**
   * @param key 32 bytes; copied
   */
  public Sealer(byte[] key) {
    if (key.length != 32) {
      throw new IllegalArgumentException("an AES-256 key is 32 bytes");
    }
    this.key = new SecretKeySpec(Arrays.copyOf(key, 32), "AES");
  }

  /** {@code plaintext} sealed for the record named by {@code context}. */
  public String seal(String plaintext, String context) {
    byte[] nonce = new byte[NONCE];
    RANDOM.nextBytes(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = c.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[NONCE + sealed.length];
      System.arraycopy(nonce, 0, out, 0, NONCE);
      System.arraycopy(sealed, 0, out, NONCE, sealed.length);
      return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable in this JVM", e);
    }
  }

  /**
   * The plaintext of a value {@link #seal}ed for the same {@code context} with the same key.
   *
   * @throws StateUnavailableException when the value was altered, moved to another record or sealed
   *     with another key (a replica with a different {@code broker.state.seal-key-file})
   */
  public String open(String sealed, String context) throws StateUnavailableException {
    if (sealed == null || !sealed.startsWith(PREFIX)) {
      throw new StateUnavailableException("a sealed value in the state store is not in v1 form");
    }
    try {
      byte[] in = Base64.getUrlDecoder().decode(sealed.substring(PREFIX.length()));
      if (in.length < NONCE + TAG_BITS / 8) {
        throw new StateUnavailableException("a sealed value in the state store is truncated");
      }
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE));
      c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      return new String(c.doFinal(in, NONCE, in.length - NONCE), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException | javax.crypto.AEADBadTagException e) {
      throw new StateUnavailableException(
          "a sealed value in the state store does not open: altered, moved, or sealed with another"
              + " broker.state.seal-key-file");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable in this JVM", e);
    }
  }

  @Override
  public String toString() {
    return "Sealer[AES-256-GCM]"; // never the key
  }
}
