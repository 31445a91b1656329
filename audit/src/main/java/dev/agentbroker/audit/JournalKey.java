package dev.agentbroker.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The audit journal's HMAC-SHA256 chain key: at least 32 random bytes, independent of the GitHub
 * App key (whoever can mint must not also be able to rewrite the record of minting). {@link
 * #keyId()} names it in genesis records, checkpoints and errors; it is a one-way fingerprint and
 * reveals nothing about the key. {@link #toString()} never shows key material.
 */
public final class JournalKey {
  /** Shortest accepted key: HMAC-SHA256's block of security, no less. */
  public static final int MIN_BYTES = 32;

  private static final Set<PosixFilePermission> GROUP_OR_OTHER =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private final byte[] key;
  private final String keyId;

  private JournalKey(byte[] key) {
    if (key.length < MIN_BYTES) {
      throw new IllegalArgumentException(
          "journal key must be at least " + MIN_BYTES + " bytes (got " + key.length + ")");
    }
    this.key = key.clone();
    this.keyId =
        HexFormat.of().formatHex(mac("agent-broker/audit-journal-key-id/v1")).substring(0, 16);
  }

  /** A key from raw bytes (tests, or a caller that read it from its own secret store). */
  public static JournalKey of(byte[] key) {
    return new JournalKey(Objects.requireNonNull(key, "key"));
  }

  /**
   * A key from base64 text (standard or URL alphabet, surrounding whitespace ignored), as stored in
   * a key file or a secret-store field.
   *
   * @throws IllegalArgumentException if it is not base64 of at least {@link #MIN_BYTES} bytes; the
   *     message never echoes the text
   */
  public static JournalKey fromBase64(String text) {
    String t = Objects.requireNonNull(text, "text").strip();
    byte[] raw;
    try {
      raw =
          t.indexOf('-') >= 0 || t.indexOf('_') >= 0
              ? Base64.getUrlDecoder().decode(t)
              : Base64.getDecoder().decode(t);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("journal key is not valid base64");
    }
    try {
      return new JournalKey(raw);
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  /**
   * Reads a key file holding base64 text. Refuses a file that group or others may access (POSIX
   * file systems), a symlink, or one that is not a regular file, so a key readable by other local
   * users is never used silently.
   *
   * @throws IOException with a message naming the file and what is wrong, never key material
   */
  public static JournalKey fromFile(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new NoSuchFileException(file.toString(), null, "journal key file does not exist");
    }
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("journal key file " + file + " is not a regular file (or a symlink)");
    }
    if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (perms.stream().anyMatch(GROUP_OR_OTHER::contains)) {
        throw new IOException(
            "journal key file "
                + file
                + " is accessible to group or others (mode "
                + java.nio.file.attribute.PosixFilePermissions.toString(perms)
                + "); chmod 600 or 400 it");
      }
    }
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IOException("journal key file " + file + " cannot be read: " + e.getMessage(), e);
    }
    try {
      return fromBase64(text);
    } catch (IllegalArgumentException e) {
      throw new IOException("journal key file " + file + ": " + e.getMessage());
    }
  }

  /** 16 hex chars; a fingerprint that identifies the key without revealing it. */
  public String keyId() {
    return keyId;
  }

  /** A fresh HMAC-SHA256 instance with this key (not thread-safe; one per user). */
  public Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private byte[] mac(String label) {
    return newMac().doFinal(label.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "JournalKey[id=" + keyId + "]";
  }
}
