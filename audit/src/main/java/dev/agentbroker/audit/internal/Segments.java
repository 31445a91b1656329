package dev.agentbroker.audit.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Segment file naming and discovery: {@code segment-<20-digit first sequence>.jsonl}. */
public final class Segments {
  private static final Pattern NAME = Pattern.compile("segment-(\\d{20})\\.jsonl");

  private Segments() {}

  /** A segment file and the sequence number its first record must carry. */
  public record Segment(Path path, long firstSeq) {
    public String fileName() {
      return path.getFileName().toString();
    }
  }

  public static String fileName(long firstSeq) {
    return String.format("segment-%020d.jsonl", firstSeq);
  }

  public static Segment at(Path directory, long firstSeq) {
    return new Segment(directory.resolve(fileName(firstSeq)), firstSeq);
  }

  /** Segments in the directory ordered by first sequence; other files are ignored. */
  public static List<Segment> list(Path directory) throws IOException {
    List<Segment> out = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
      for (Path p : stream) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        if (m.matches() && Files.isRegularFile(p)) {
          out.add(new Segment(p, Long.parseLong(m.group(1))));
        }
      }
    } catch (NumberFormatException e) {
      throw new IOException("segment name out of range in " + directory, e);
    }
    out.sort(Comparator.comparingLong(Segment::firstSeq));
    return out;
  }

  /**
   * Deletes the oldest segments whose records are all {@code <= shippedThroughSeq} and that were
   * last modified no later than {@code cutoff}, never touching the segment starting at {@code
   * activeFirst} or later, nor the one holding the chain head {@code head}. Only a prefix is
   * removed, so what remains is always one contiguous, verifiable chain.
   *
   * @return number of segments deleted
   */
  static int deleteShippedPrefix(
      Path dir, long activeFirst, long head, long shippedThroughSeq, Instant cutoff)
      throws IOException {
    List<Segment> all = list(dir);
    int deleted = 0;
    for (int i = 0; i + 1 < all.size(); i++) {
      Segment candidate = all.get(i);
      long nextFirst = all.get(i + 1).firstSeq();
      boolean eligible =
          candidate.firstSeq() < activeFirst
              && nextFirst - 1 <= shippedThroughSeq
              && nextFirst <= head
              && !Files.getLastModifiedTime(candidate.path()).toInstant().isAfter(cutoff);
      if (!eligible) {
        break;
      }
      Files.delete(candidate.path());
      deleted++;
    }
    if (deleted > 0) {
      fsyncDirectory(dir);
    }
    return deleted;
  }

  /**
   * Makes file creations, renames and deletions in {@code directory} durable; without this a crash
   * can lose a freshly created segment even though its contents were fsync'd.
   */
  public static void fsyncDirectory(Path directory) throws IOException {
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    }
  }
}
