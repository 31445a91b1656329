package dev.agentbroker.audit;

import dev.agentbroker.audit.internal.ChainChecker;
import dev.agentbroker.audit.internal.Segments;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Offline integrity check of a journal directory: walks every segment in order and reports the
 * first broken or missing link. Read-only, so it is safe to run against a live journal.
 *
 * <p>An unterminated fragment at the very end of the last segment is an interrupted or in-flight
 * write (never confirmed to a caller) and is not reported. The oldest retained record anchors the
 * chain when earlier segments were deleted after shipping.
 */
public final class JournalVerifier {
  private JournalVerifier() {}

  public static VerifyResult verify(Path directory) throws IOException {
    List<Segments.Segment> segments = Segments.list(directory);
    ChainChecker checker = new ChainChecker();
    for (int i = 0; i < segments.size(); i++) {
      boolean last = i == segments.size() - 1;
      String problem = checker.scan(segments.get(i), last).problem();
      if (problem != null) {
        return new VerifyResult(false, checker.checked(), Optional.of(problem));
      }
    }
    return new VerifyResult(true, checker.checked(), Optional.empty());
  }

  /**
   * {@code verify DIR}: exit 0 if intact, 1 if broken or unreadable (an unverifiable journal is not
   * a good one), 2 on usage error.
   */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length != 2 || !args[0].equals("verify")) {
      err.println("usage: JournalVerifier verify DIR");
      return 2;
    }
    VerifyResult result;
    try {
      result = verify(Path.of(args[1]));
    } catch (IOException e) {
      err.println("cannot read journal: " + e);
      return 1;
    }
    if (result.ok()) {
      out.println("OK: " + result.eventsChecked() + " events verified");
      return 0;
    }
    out.println(
        "BROKEN after "
            + result.eventsChecked()
            + " good events: "
            + result.firstProblem().orElseThrow());
    return 1;
  }
}
