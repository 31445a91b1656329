package dev.agentbroker.audit.bench;

import dev.agentbroker.audit.AuditEvent;
import dev.agentbroker.audit.AuditEventJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The naive baseline: same record format and hash chain as the real journal, but each append writes
 * and fsyncs on its own under a lock, so concurrent callers queue behind each other's fsync. This
 * is what group commit is measured against.
 */
final class FsyncPerEventJournal implements AutoCloseable {
  private final FileChannel channel;
  private final MessageDigest sha;
  private String prevHash = "0".repeat(64);
  private long seq;

  FsyncPerEventJournal(Path file) throws IOException {
    channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  synchronized long append(AuditEvent event) throws IOException {
    String json = AuditEventJson.toJson(event);
    String hash =
        HexFormat.of()
            .formatHex(sha.digest((prevHash + "\n" + json).getBytes(StandardCharsets.UTF_8)));
    seq++;
    String line =
        "{\"seq\":"
            + seq
            + ",\"prev_hash\":\""
            + prevHash
            + "\",\"hash\":\""
            + hash
            + "\",\"event\":"
            + json
            + "}\n";
    ByteBuffer buf = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
    while (buf.hasRemaining()) {
      channel.write(buf);
    }
    channel.force(false);
    prevHash = hash;
    return seq;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
