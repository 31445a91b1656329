package dev.agentbroker.audit;

import dev.agentbroker.audit.internal.ChainChecker;
import dev.agentbroker.audit.internal.LineScanner;
import dev.agentbroker.audit.internal.RecordCodec;
import dev.agentbroker.audit.internal.Segments;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Sequential reader for the shipper: yields records from a sequence number onward across segments,
 * checking the hash chain as it goes so tampered records are never shipped silently.
 *
 * <p>{@link #next()} returning empty means "caught up"; call it again later to tail the journal.
 * Obtain it from {@link FileJournal#reader(long)} while the journal is open in this process, which
 * limits reads to fsync'd records. {@link #open(Path, long)} reads every complete line and is meant
 * for a journal no process is writing (after an I/O error the writer truncates unconfirmed records
 * that an unbounded reader might already have seen).
 */
public final class JournalReader implements Closeable {
  private final Path directory;
  private final long fromSequence;
  private final LongSupplier readableThrough;
  private final ChainChecker checker;
  private Segments.Segment current;
  private long offset;
  private long linesBefore;
  private LineScanner scanner;

  private JournalReader(
      Path directory, long fromSequence, JournalKey key, LongSupplier readableThrough) {
    if (fromSequence < 1) {
      throw new IllegalArgumentException("sequences start at 1");
    }
    this.directory = Objects.requireNonNull(directory, "directory");
    this.fromSequence = fromSequence;
    this.readableThrough = readableThrough;
    this.checker = new ChainChecker(key);
  }

  /**
   * Reads every complete record with sequence {@code >= fromSequence} of an unkeyed journal; a
   * keyed record fails the chain check (it cannot be authenticated without the key).
   */
  public static JournalReader open(Path directory, long fromSequence) {
    return open(directory, fromSequence, null);
  }

  /** As {@link #open(Path, long)}, authenticating keyed records with {@code key} (may be null). */
  public static JournalReader open(Path directory, long fromSequence, JournalKey key) {
    return new JournalReader(directory, fromSequence, key, () -> Long.MAX_VALUE);
  }

  static JournalReader bounded(
      Path directory, long fromSequence, JournalKey key, LongSupplier durableHead) {
    return new JournalReader(directory, fromSequence, key, durableHead);
  }

  /**
   * The next record, or empty when there is nothing more to read right now.
   *
   * @throws IOException on read failure or if the chain is broken (message says where)
   */
  public Optional<JournalRecord> next() throws IOException {
    while (true) {
      if (current == null) {
        current = startSegment();
        if (current == null) {
          return Optional.empty();
        }
      }
      if (scanner == null) {
        scanner = new LineScanner(current.path(), offset, linesBefore);
      }
      LineScanner.Line line = scanner.next();
      if (line != null && line.terminated()) {
        JournalRecord record = RecordCodec.decode(line.text() == null ? "" : line.text());
        if (record != null && record.sequence() > readableThrough.getAsLong()) {
          // Written but not yet fsync'd: it could still be rolled back, so do not hand it out.
          closeScanner();
          return Optional.empty();
        }
        check(line, record);
        offset = line.end();
        linesBefore = line.number();
        if (record.sequence() >= fromSequence) {
          return Optional.of(record);
        }
        continue;
      }
      closeScanner();
      Segments.Segment following = following(current);
      if (following == null) {
        // At the live end; an unterminated fragment is a write still in progress.
        return Optional.empty();
      }
      if (line != null) {
        throw new IOException(current.fileName() + " line " + line.number() + ": unterminated");
      }
      current = following;
      offset = 0;
      linesBefore = 0;
    }
  }

  private void check(LineScanner.Line line, JournalRecord record) throws IOException {
    String where = current.fileName() + " line " + line.number();
    if (record == null) {
      throw new IOException("audit journal corrupt at " + where + ": unparsable record line");
    }
    if (offset == 0 && record.sequence() != current.firstSeq()) {
      throw new IOException(
          "audit journal corrupt at " + where + ": first seq does not match segment name");
    }
    String problem = checker.check(record);
    if (problem != null) {
      throw new IOException(
          "audit journal corrupt at "
              + where
              + " (event_id "
              + RecordCodec.eventIdOf(record.eventJson())
              + "): "
              + problem);
    }
  }

  private Segments.Segment startSegment() throws IOException {
    List<Segments.Segment> all = Segments.list(directory);
    Segments.Segment start = null;
    for (Segments.Segment s : all) {
      if (start == null || s.firstSeq() <= fromSequence) {
        start = s;
      }
    }
    return start;
  }

  private Segments.Segment following(Segments.Segment segment) throws IOException {
    for (Segments.Segment s : Segments.list(directory)) {
      if (s.firstSeq() > segment.firstSeq()) {
        return s;
      }
    }
    return null;
  }

  private void closeScanner() throws IOException {
    if (scanner != null) {
      scanner.close();
      scanner = null;
    }
  }

  @Override
  public void close() throws IOException {
    closeScanner();
  }
}
