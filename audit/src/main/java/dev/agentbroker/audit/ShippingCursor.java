package dev.agentbroker.audit;

import dev.agentbroker.audit.internal.Segments;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durable record of how far the shipper got. Updated by write-temp, fsync, atomic rename, fsync
 * directory, so after a crash the file holds either the old or the new value, never a torn one.
 * Losing an update only means re-shipping (duplicates, which Splunk can dedupe by event_id); it can
 * never skip events.
 */
public final class ShippingCursor {
  private static final Pattern FORMAT = Pattern.compile("\\{\"last_shipped_seq\":(\\d{1,19})}\\s*");

  private final Path file;
  private long lastShipped;

  private ShippingCursor(Path file, long lastShipped) {
    this.file = file;
    this.lastShipped = lastShipped;
  }

  /**
   * Loads the cursor, or starts at 0 if the file does not exist.
   *
   * @throws IOException if the file exists but is unreadable or malformed: silently restarting
   *     would hide a problem, so the operator has to decide
   */
  public static ShippingCursor open(Path file) throws IOException {
    Path absolute = file.toAbsolutePath();
    Files.createDirectories(absolute.getParent());
    if (!Files.exists(absolute)) {
      return new ShippingCursor(absolute, 0);
    }
    String content = Files.readString(absolute, StandardCharsets.UTF_8);
    Matcher m = FORMAT.matcher(content);
    if (!m.matches()) {
      throw new IOException("malformed shipping cursor " + absolute);
    }
    try {
      return new ShippingCursor(absolute, Long.parseLong(m.group(1)));
    } catch (NumberFormatException e) {
      throw new IOException("shipping cursor out of range in " + absolute, e);
    }
  }

  /** Highest sequence confirmed shipped; 0 if nothing has been shipped. */
  public synchronized long lastShippedSequence() {
    return lastShipped;
  }

  /**
   * Durably records that everything through {@code sequence} has been shipped.
   *
   * @throws IllegalArgumentException if {@code sequence} would move the cursor backwards
   */
  public synchronized void commit(long sequence) throws IOException {
    if (sequence < lastShipped) {
      throw new IllegalArgumentException(
          "cursor cannot move backwards: " + sequence + " < " + lastShipped);
    }
    if (sequence == lastShipped && Files.exists(file)) {
      return;
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    byte[] bytes = ("{\"last_shipped_seq\":" + sequence + "}\n").getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Segments.fsyncDirectory(file.getParent());
    lastShipped = sequence;
  }

  public Path file() {
    return file;
  }
}
