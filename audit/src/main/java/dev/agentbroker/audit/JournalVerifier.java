package dev.agentbroker.audit;

import dev.agentbroker.audit.VerifyResult.Verdict;
import dev.agentbroker.audit.internal.ChainChecker;
import dev.agentbroker.audit.internal.Checkpoints;
import dev.agentbroker.audit.internal.Segments;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Offline integrity check of a journal directory: walks every segment in order and reports the
 * first broken or missing link, then compares the end of the journal with the shipping cursor and
 * the keyed checkpoint. Read-only, so it is safe to run against a live journal.
 *
 * <p>Steps: (1) read the checkpoint (keyed journals) and take the cursor position, both before the
 * segments, so a live writer can only make the journal longer than they say; (2) check every record
 * (HMAC under the key, or the unkeyed SHA-256 link for legacy records); (3) a journal that ends
 * before the cursor or the checkpoint is TRUNCATED; a record at the checkpoint's seq with another
 * hash is BROKEN.
 *
 * <p>An unterminated fragment at the very end of the last segment is an interrupted or in-flight
 * write (never confirmed to a caller) and is not reported. The oldest retained record anchors the
 * chain when earlier segments were deleted after shipping.
 */
public final class JournalVerifier {
  private JournalVerifier() {}

  /**
   * What to verify against.
   *
   * @param key the journal key; null checks unkeyed links only (a keyed journal is KEY_REQUIRED)
   * @param shippedThroughSeq the shipping cursor's last shipped seq (0 if none or unknown)
   * @param budget stop with INCOMPLETE once this much time has passed; null for no limit
   * @param clock measures the budget
   */
  public record Options(JournalKey key, long shippedThroughSeq, Duration budget, Clock clock) {
    public Options {
      Objects.requireNonNull(clock, "clock");
      if (shippedThroughSeq < 0) {
        throw new IllegalArgumentException("shippedThroughSeq must not be negative");
      }
    }

    public static Options unkeyed() {
      return new Options(null, 0, null, Clock.systemUTC());
    }

    public static Options keyed(JournalKey key) {
      return new Options(Objects.requireNonNull(key, "key"), 0, null, Clock.systemUTC());
    }

    public Options withShippedThrough(long seq) {
      return new Options(key, seq, budget, clock);
    }

    public Options withBudget(Duration budget, Clock clock) {
      return new Options(key, shippedThroughSeq, budget, clock);
    }
  }

  /** Unkeyed check (legacy journals); a keyed journal comes back KEY_REQUIRED. */
  public static VerifyResult verify(Path directory) throws IOException {
    return verify(directory, Options.unkeyed());
  }

  public static VerifyResult verify(Path directory, Options options) throws IOException {
    Instant deadline =
        options.budget() == null ? null : options.clock().instant().plus(options.budget());
    Checkpoints.Checkpoint cp = null;
    ChainChecker checker = new ChainChecker(options.key());
    if (options.key() != null) {
      try {
        cp = Checkpoints.read(directory, options.key());
      } catch (Checkpoints.BadCheckpoint e) {
        return result(
            e.wrongKey() ? Verdict.WRONG_KEY : Verdict.BROKEN, checker, null, e.getMessage());
      }
    }
    if (cp != null) {
      checker.watch(cp.seq());
    }
    List<Segments.Segment> segments =
        Files.isDirectory(directory) ? Segments.list(directory) : List.of();
    for (int i = 0; i < segments.size(); i++) {
      if (deadline != null && options.clock().instant().isAfter(deadline)) {
        return result(
            Verdict.INCOMPLETE,
            checker,
            cp,
            "time budget "
                + options.budget()
                + " exhausted after "
                + checker.checked()
                + " records ("
                + i
                + " of "
                + segments.size()
                + " segments)");
      }
      boolean last = i == segments.size() - 1;
      String problem = checker.scan(segments.get(i), last).problem();
      if (problem != null) {
        return result(checker.problemVerdict(), checker, cp, problem);
      }
    }
    long end = checker.lastSeq();
    if (end < options.shippedThroughSeq()) {
      return result(
          Verdict.TRUNCATED,
          checker,
          cp,
          "journal ends at seq "
              + end
              + " but the shipping cursor says seq "
              + options.shippedThroughSeq()
              + " was shipped: "
              + (options.shippedThroughSeq() - end)
              + " record(s) cut off the end");
    }
    if (cp != null && end < cp.seq()) {
      return result(
          Verdict.TRUNCATED,
          checker,
          cp,
          "journal ends at seq "
              + end
              + " but the checkpoint of "
              + cp.time()
              + " covers seq "
              + cp.seq()
              + ": "
              + (cp.seq() - end)
              + " record(s) cut off the end");
    }
    if (cp != null && checker.watchedHash() != null && !checker.watchedHash().equals(cp.hash())) {
      return result(
          Verdict.BROKEN,
          checker,
          cp,
          "record seq " + cp.seq() + " differs from the checkpoint (journal rewritten)");
    }
    boolean allKeyed = options.key() != null && checker.unkeyed() == 0;
    return result(
        allKeyed || checker.checked() == 0 ? Verdict.OK : Verdict.UNKEYED, checker, cp, null);
  }

  private static VerifyResult result(
      Verdict verdict, ChainChecker checker, Checkpoints.Checkpoint cp, String problem) {
    return new VerifyResult(
        verdict,
        checker.checked(),
        checker.unkeyed(),
        checker.lastSeq(),
        Optional.ofNullable(checker.genesis()).map(g -> g.journalId()),
        cp == null ? 0 : cp.seq(),
        Optional.ofNullable(problem));
  }

  /**
   * {@code verify DIR [--key-file FILE] [--cursor FILE]}. Exit codes: 0 intact (and, with a key,
   * every record authenticated); 1 broken or truncated or unreadable (an unverifiable journal is
   * not a good one); 2 usage error; 3 intact but with unkeyed legacy records although a key was
   * given; 4 key problem (unreadable key file, wrong key, or a keyed journal without a key).
   */
  public static void main(String[] args) {
    System.exit(VerifyCommand.run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    return VerifyCommand.run(args, out, err);
  }
}
