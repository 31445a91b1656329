package dev.agentbroker.audit.internal;

import dev.agentbroker.audit.JournalKey;
import dev.agentbroker.audit.JournalRecord;
import dev.agentbroker.audit.VerifyResult.Verdict;
import java.io.IOException;

/**
 * Walks records in order and reports the first broken link. Shared by the verifier, recovery on
 * open and the shipper-facing reader so that all three agree on what "intact" means.
 *
 * <p>With a key, a record is keyed if its hash is the HMAC under that key, unkeyed (legacy) if it
 * is the plain SHA-256 link. Unkeyed records may only precede the keyed chain, and the keyed chain
 * may only start at a genesis record (or at the oldest retained record, when the genesis segment
 * was pruned after shipping). Without a key only unkeyed records can be checked.
 */
public final class ChainChecker {
  private final JournalKey key;
  private final ChainMac mac;
  private long lastSeq = -1;
  private String lastHash = ChainHash.GENESIS;
  private long checked;
  private long unkeyed;
  private boolean keyedChain;
  private Genesis.Info genesis;
  private Verdict problemVerdict = Verdict.BROKEN;
  private long watchSeq = -1;
  private String watchedHash;

  /** Result of scanning one segment. */
  public record SegmentResult(long validEnd, boolean tornTail, String problem) {}

  /** Unkeyed (legacy) checking only. */
  public ChainChecker() {
    this(null);
  }

  /**
   * @param key the journal key, or null to check unkeyed links only
   */
  public ChainChecker(JournalKey key) {
    this.key = key;
    this.mac = key == null ? null : new ChainMac(key);
  }

  /** Remembers the hash of the record with {@code seq} when it passes (checkpoint comparison). */
  public void watch(long seq) {
    this.watchSeq = seq;
  }

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
    String problem = authenticate(r);
    if (problem != null) {
      return problem;
    }
    lastSeq = r.sequence();
    lastHash = r.hash();
    if (r.sequence() == watchSeq) {
      watchedHash = r.hash();
    }
    checked++;
    return null;
  }

  private String authenticate(JournalRecord r) {
    if (mac != null && mac.compute(r.prevHash(), r.eventJson()).equals(r.hash())) {
      Genesis.Info g = Genesis.parse(r.eventJson());
      if (!keyedChain && lastSeq >= 0 && g == null) {
        return "keyed records start without a genesis record after unkeyed seq " + lastSeq;
      }
      if (g != null && genesis == null) {
        genesis = g;
      }
      keyedChain = true;
      return null;
    }
    if (ChainHash.compute(r.prevHash(), r.eventJson()).equals(r.hash())) {
      if (keyedChain) {
        return "unkeyed record inside the keyed chain (rewritten without the key?)";
      }
      unkeyed++;
      return null;
    }
    Genesis.Info g = Genesis.parse(r.eventJson());
    if (key == null) {
      if (g != null || lastSeq < 0) {
        problemVerdict = Verdict.KEY_REQUIRED;
        return "record is not an unkeyed SHA-256 link: the journal is keyed"
            + (g == null ? "" : " (key id " + g.keyId() + ")")
            + " or tampered; verify it with the journal key";
      }
      return "hash mismatch: event content does not match its recorded hash (tampered or corrupt)";
    }
    if (g != null && !g.keyId().equals(key.keyId())) {
      problemVerdict = Verdict.WRONG_KEY;
      return "wrong journal key: the chain was started with key id "
          + g.keyId()
          + " but the configured key has id "
          + key.keyId();
    }
    return "hash mismatch: record does not match its HMAC under key id "
        + key.keyId()
        + " (tampered, rewritten without the key, or written with a different key)";
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

  /** Records that passed as unkeyed (legacy) SHA-256 links. */
  public long unkeyed() {
    return unkeyed;
  }

  /** True once a keyed record passed: everything after must be keyed too. */
  public boolean keyedChain() {
    return keyedChain;
  }

  /** The first genesis record seen, or null (none yet, or pruned). */
  public Genesis.Info genesis() {
    return genesis;
  }

  /** How to classify the last problem returned: BROKEN unless it was a key problem. */
  public Verdict problemVerdict() {
    return problemVerdict;
  }

  /** Hash of the watched record if it was seen and passed, else null. */
  public String watchedHash() {
    return watchedHash;
  }
}
