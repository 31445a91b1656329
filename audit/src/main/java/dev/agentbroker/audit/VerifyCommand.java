package dev.agentbroker.audit;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** The {@code verify} command line of {@link JournalVerifier}: parsing, output and exit codes. */
final class VerifyCommand {
  static final int OK = 0;
  static final int BROKEN = 1;
  static final int USAGE = 2;
  static final int UNKEYED = 3;
  static final int KEY_PROBLEM = 4;

  private static final String USAGE_LINE =
      "usage: JournalVerifier verify DIR [--key-file FILE] [--cursor FILE]";

  private VerifyCommand() {}

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length < 2 || args.length % 2 != 0 || !args[0].equals("verify")) {
      err.println(USAGE_LINE);
      return USAGE;
    }
    Path keyFile = null;
    Path cursorFile = null;
    for (int i = 2; i < args.length; i += 2) {
      switch (args[i]) {
        case "--key-file" -> keyFile = Path.of(args[i + 1]);
        case "--cursor" -> cursorFile = Path.of(args[i + 1]);
        default -> {
          err.println(USAGE_LINE);
          return USAGE;
        }
      }
    }
    JournalVerifier.Options options = JournalVerifier.Options.unkeyed();
    if (keyFile != null) {
      try {
        options = JournalVerifier.Options.keyed(JournalKey.fromFile(keyFile));
      } catch (IOException e) {
        err.println("journal key unusable (--key-file): " + e.getMessage());
        return KEY_PROBLEM;
      }
    }
    VerifyResult result;
    try {
      if (cursorFile != null) {
        if (!Files.isRegularFile(cursorFile)) {
          err.println("shipping cursor not found (--cursor): " + cursorFile);
          return BROKEN;
        }
        options = options.withShippedThrough(ShippingCursor.open(cursorFile).lastShippedSequence());
      }
      result = JournalVerifier.verify(Path.of(args[1]), options);
    } catch (IOException e) {
      err.println("cannot read journal: " + e);
      return BROKEN;
    }
    String id = result.journalId().map(j -> " journal " + j + ";").orElse("");
    return switch (result.verdict()) {
      case OK -> {
        String detail =
            keyFile == null
                ? ""
                : " and authenticated;"
                    + id
                    + " through seq "
                    + result.lastSequence()
                    + (result.checkpointSequence() > 0
                        ? "; checkpoint at seq " + result.checkpointSequence()
                        : "; no checkpoint (truncation detectable only against cursor/HEC)");
        out.println("OK: " + result.eventsChecked() + " events verified" + detail);
        yield OK;
      }
      case UNKEYED -> {
        String what =
            result.unkeyedRecords()
                + " of "
                + result.eventsChecked()
                + " records are UNKEYED legacy links (intact, but not authenticated)";
        if (keyFile == null) {
          out.println("OK: " + result.eventsChecked() + " events verified; " + what);
          yield OK;
        }
        out.println("UNKEYED:" + id + " " + what);
        yield UNKEYED;
      }
      case WRONG_KEY, KEY_REQUIRED -> {
        out.println(result.verdict() + ": " + result.firstProblem().orElseThrow());
        yield KEY_PROBLEM;
      }
      default -> {
        out.println(
            (result.verdict() == VerifyResult.Verdict.BROKEN ? "BROKEN" : result.verdict())
                + " after "
                + result.eventsChecked()
                + " good events: "
                + result.firstProblem().orElseThrow());
        yield BROKEN;
      }
    };
  }
}
