package dev.agentbroker.audit.internal;

import dev.agentbroker.audit.JournalKey;
import dev.agentbroker.audit.VerifyResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Brings a journal directory to a consistent state on open: removes a torn trailing line, drops an
 * empty trailing segment left by a crash during rotation, and re-verifies the tail of the chain so
 * the writer never extends a chain that is already broken.
 */
public final class Recovery {

  /** Where writing resumes. */
  public record State(
      Segments.Segment active,
      long activeSize,
      long headSeq,
      String headHash,
      boolean headKeyed,
      Genesis.Info genesis) {}

  private Recovery() {}

  /**
   * @param directory an existing journal directory (the engine creates and locks it first)
   * @param key the journal key, or null for an unkeyed journal; a keyed tail without it (or with
   *     another key) refuses to open, naming the problem
   */
  public static State recover(Path directory, JournalKey key) throws IOException {
    Checkpoints.Checkpoint cp = null;
    if (key != null) {
      try {
        cp = Checkpoints.read(directory, key);
      } catch (Checkpoints.BadCheckpoint e) {
        throw new IOException("audit journal in " + directory + ": " + e.getMessage());
      }
    }
    State state = recoverTail(directory, key);
    if (cp != null && state.headSeq() < cp.seq()) {
      // Records that were durable (the checkpoint saw them) are gone: extending the chain would
      // reuse their sequence numbers and hide the loss.
      throw new IOException(
          "audit journal in "
              + directory
              + " is truncated, refusing to open: it ends at seq "
              + state.headSeq()
              + " but "
              + Checkpoints.FILE
              + " of "
              + cp.time()
              + " covers seq "
              + cp.seq()
              + " (inspect with JournalVerifier)");
    }
    return state;
  }

  private static State recoverTail(Path directory, JournalKey key) throws IOException {
    List<Segments.Segment> segments = new ArrayList<>(Segments.list(directory));
    while (!segments.isEmpty()) {
      Segments.Segment last = segments.get(segments.size() - 1);
      if (repairTornTail(last.path()) > 0) {
        break;
      }
      if (segments.size() == 1) {
        if (last.firstSeq() != 1) {
          throw new IOException(
              "cannot recover audit chain head: "
                  + last.fileName()
                  + " is empty and no earlier segment exists");
        }
        return new State(last, 0, 0, ChainHash.GENESIS, false, null);
      }
      // Empty and not the only segment: rotation created it, then the process died before the
      // first record became durable. It holds nothing, and the chain head is in the previous one.
      Files.delete(last.path());
      Segments.fsyncDirectory(directory);
      segments.remove(segments.size() - 1);
    }
    if (segments.isEmpty()) {
      Segments.Segment first = Segments.at(directory, 1);
      Files.createFile(first.path());
      Segments.fsyncDirectory(directory);
      return new State(first, 0, 0, ChainHash.GENESIS, false, null);
    }
    // Check the last two segments: the active one plus the link into it from its predecessor.
    ChainChecker checker = new ChainChecker(key);
    for (int i = Math.max(0, segments.size() - 2); i < segments.size(); i++) {
      String problem = checker.scan(segments.get(i), false).problem();
      if (problem != null && checker.problemVerdict() != VerifyResult.Verdict.BROKEN) {
        throw new IOException(
            "audit journal in " + directory + " cannot be opened with this key: " + problem);
      }
      if (problem != null) {
        throw new IOException(
            "audit journal in "
                + directory
                + " is corrupt, refusing to open: "
                + problem
                + " (inspect with JournalVerifier)");
      }
    }
    Segments.Segment active = segments.get(segments.size() - 1);
    return new State(
        active,
        Files.size(active.path()),
        checker.lastSeq(),
        checker.lastHash(),
        checker.keyedChain(),
        checker.genesis());
  }

  /**
   * Truncates everything after the last '\n'. Only an unterminated tail is removed: a crash can
   * leave a prefix of the final write (or zero fill), but never damages an earlier line.
   *
   * @return the size of the file afterwards
   */
  static long repairTornTail(Path file) throws IOException {
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      long keep = endOfLastLine(ch, size);
      if (keep < size) {
        ch.truncate(keep);
        ch.force(true);
      }
      return keep;
    }
  }

  private static long endOfLastLine(FileChannel ch, long size) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(8192);
    long chunkEnd = size;
    while (chunkEnd > 0) {
      long chunkStart = Math.max(0, chunkEnd - buf.capacity());
      buf.clear().limit((int) (chunkEnd - chunkStart));
      while (buf.hasRemaining()) {
        if (ch.read(buf, chunkStart + buf.position()) < 0) {
          throw new IOException("segment shrank while being recovered");
        }
      }
      for (int i = buf.limit() - 1; i >= 0; i--) {
        if (buf.get(i) == '\n') {
          return chunkStart + i + 1;
        }
      }
      chunkEnd = chunkStart;
    }
    return 0;
  }
}
