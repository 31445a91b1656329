package dev.agentbroker.audit.internal;

import dev.agentbroker.audit.JournalKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A keyed high-water mark next to the segments: {@code checkpoint.json} names the last durable
 * record (seq and chain hash) and carries an HMAC over both, so cutting records off the end of the
 * journal, or rewriting it, is detectable as long as the checkpoint survives. Replaced atomically
 * (temp file, fsync, rename, fsync directory) by the writer every N records or T seconds.
 *
 * <p>An attacker with write access can delete it or put back an older copy; it narrows what goes
 * unnoticed locally, it does not replace shipping (see the module README).
 */
public final class Checkpoints {
  public static final String FILE = "checkpoint.json";
  private static final String LABEL = "agent-broker/audit-checkpoint/v1\n";
  private static final Pattern FORMAT =
      Pattern.compile(
          "\\{\"seq\":([0-9]{1,19}),\"hash\":\"([0-9a-f]{64})\",\"time\":\"([^\"]{1,40})\","
              + "\"key_id\":\"([0-9a-f]{16})\",\"mac\":\"([0-9a-f]{64})\"}\\s*");

  /** A verified checkpoint. */
  public record Checkpoint(long seq, String hash, Instant time) {}

  /** A checkpoint file that exists but cannot be trusted; the message says why. */
  public static final class BadCheckpoint extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean wrongKey;

    BadCheckpoint(String message, boolean wrongKey) {
      super(message);
      this.wrongKey = wrongKey;
    }

    /** True if it names another key id: the key given is probably the wrong one. */
    public boolean wrongKey() {
      return wrongKey;
    }
  }

  private Checkpoints() {}

  /** Atomically replaces the checkpoint; {@code mac} is the writer's, keyed with {@code key}. */
  public static void write(Path dir, JournalKey key, ChainMac mac, Checkpoint cp)
      throws IOException {
    String body =
        "{\"seq\":"
            + cp.seq()
            + ",\"hash\":\""
            + cp.hash()
            + "\",\"time\":\""
            + cp.time()
            + "\",\"key_id\":\""
            + key.keyId()
            + "\",\"mac\":\""
            + mac.sign(LABEL + cp.seq() + "\n" + cp.hash() + "\n" + cp.time())
            + "\"}\n";
    Path tmp = dir.resolve(FILE + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.wrap(body.getBytes(StandardCharsets.US_ASCII));
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE);
    Segments.fsyncDirectory(dir);
  }

  /**
   * Reads and authenticates the checkpoint.
   *
   * @return null if there is none
   * @throws BadCheckpoint if it is malformed, names another key, or its MAC does not verify
   */
  public static Checkpoint read(Path dir, JournalKey key) throws IOException, BadCheckpoint {
    String text;
    try {
      text = Files.readString(dir.resolve(FILE), StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      return null;
    }
    Matcher m = FORMAT.matcher(text);
    if (!m.matches()) {
      throw new BadCheckpoint(FILE + " is malformed", false);
    }
    if (!m.group(4).equals(key.keyId())) {
      throw new BadCheckpoint(
          "wrong journal key: "
              + FILE
              + " was written with key id "
              + m.group(4)
              + " but the configured key has id "
              + key.keyId(),
          true);
    }
    long seq;
    Instant time;
    try {
      seq = Long.parseLong(m.group(1));
      time = Instant.parse(m.group(3));
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new BadCheckpoint(FILE + " is malformed", false);
    }
    String expected = new ChainMac(key).sign(LABEL + seq + "\n" + m.group(2) + "\n" + time);
    // Constant time: the file is attacker-controlled.
    if (!MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.US_ASCII),
        m.group(5).getBytes(StandardCharsets.US_ASCII))) {
      throw new BadCheckpoint(FILE + " MAC does not verify (forged or edited)", false);
    }
    return new Checkpoint(seq, m.group(2), time);
  }
}
