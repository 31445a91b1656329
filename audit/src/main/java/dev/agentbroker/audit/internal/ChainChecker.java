package dev.agentbroker.audit.internal;

import dev.agentbroker.audit.JournalRecord;
import java.io.IOException;

/**
 * Walks records in order and reports the first broken link. Shared by the verifier, recovery on
 * open and the shipper-facing reader so that all three agree on what "intact" means.
 */
public final class ChainChecker {
  private long lastSeq = -1;
  private String lastHash = ChainHash.GENESIS;
  private long checked;

  /** Result of scanning one segment. */
  public record SegmentResult(long validEnd, boolean tornTail, String problem) {}

  /** Checks the next record; returns null if it links correctly, else what broke. */
  public String check(JournalRecord r) {
    if (lastSeq < 0) {
      // The oldest retained record anchors the chain; only the genesis record is checkable here
      // because older segments may have been deleted after shipping.
      if (r.sequence() == 1 && !r.prevHash().equals(ChainHash.GENESIS)) {
        return "first record's prev_hash is not the genesis hash";
      }
    } else {
      if (r.sequence() != lastSeq + 1) {
        return "sequence gap: expected seq " + (lastSeq + 1) + " but found seq " + r.sequence();
      }
      if (!r.prevHash().equals(lastHash)) {
        return "prev_hash does not match the hash of seq " + lastSeq;
      }
    }
    if (!ChainHash.compute(r.prevHash(), r.eventJson()).equals(r.hash())) {
      return "hash mismatch: event content does not match its recorded hash (tampered or corrupt)";
    }
    lastSeq = r.sequence();
    lastHash = r.hash();
    checked++;
    return null;
  }

  /**
   * Scans a whole segment. With {@code tolerateTornTail} an unterminated final fragment is not a
   * problem (it is an interrupted write, never confirmed to any caller) and is reported via {@link
   * SegmentResult#tornTail()}.
   */
  public SegmentResult scan(Segments.Segment segment, boolean tolerateTornTail) throws IOException {
    long validEnd = 0;
    boolean first = true;
    try (LineScanner scanner = new LineScanner(segment.path(), 0, 0)) {
      for (LineScanner.Line line = scanner.next(); line != null; line = scanner.next()) {
        if (!line.terminated() && tolerateTornTail) {
          return new SegmentResult(validEnd, true, null);
        }
        String problem = problemIn(segment, line, first);
        if (problem != null) {
          return new SegmentResult(validEnd, false, problem);
        }
        first = false;
        validEnd = line.end();
      }
    }
    return new SegmentResult(validEnd, false, null);
  }

  private String problemIn(Segments.Segment segment, LineScanner.Line line, boolean first) {
    String where = segment.fileName() + " line " + line.number();
    if (!line.terminated()) {
      return where + ": unterminated line (torn write inside a closed segment)";
    }
    if (line.text() == null) {
      return where + ": line is not valid UTF-8 or exceeds the size limit";
    }
    JournalRecord r = RecordCodec.decode(line.text());
    if (r == null) {
      return where
          + " (event_id "
          + RecordCodec.eventIdOf(line.text())
          + "): unparsable record line";
    }
    where += " (event_id " + RecordCodec.eventIdOf(r.eventJson()) + ", seq " + r.sequence() + ")";
    if (first && r.sequence() != segment.firstSeq()) {
      return where
          + ": segment name says first seq "
          + segment.firstSeq()
          + " but the first record has seq "
          + r.sequence();
    }
    String broken = check(r);
    return broken == null ? null : where + ": " + broken;
  }

  /** Sequence of the last record that checked out, 0 if none. */
  public long lastSeq() {
    return Math.max(lastSeq, 0);
  }

  /** Hash of the last record that checked out, genesis if none. */
  public String lastHash() {
    return lastHash;
  }

  public long checked() {
    return checked;
  }
}
