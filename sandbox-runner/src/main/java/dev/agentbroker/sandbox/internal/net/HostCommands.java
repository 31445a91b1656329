package dev.agentbroker.sandbox.internal.net;

import dev.agentbroker.sandbox.internal.host.Bounded;
import dev.agentbroker.sandbox.internal.host.Host;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the host tools the network set-up needs ({@code ip}, {@code nft}) with a fixed argv and an
 * optional script on standard input, never through a shell. Output (stdout and stderr merged) is
 * captured for the error message; none of these commands ever sees a secret.
 */
public class HostCommands {
  /** The outcome of one command. */
  public record Result(int status, String output) {
    public boolean ok() {
      return status == 0;
    }

    /** The first non-empty output line, for one-line error messages. */
    public String firstLine() {
      for (String line : output.split("\n")) {
        if (!line.isBlank()) {
          return line.strip();
        }
      }
      return "exit status " + status;
    }
  }

  /** Runs {@code argv}, feeding {@code stdin} (may be null), waiting at most 10 s. */
  public Result run(List<String> argv, String stdin) {
    List<String> resolved = new ArrayList<>(argv);
    // ip and nft live in /usr/sbin, which a non-login root shell's PATH may lack.
    Host.which(argv.get(0)).ifPresent(p -> resolved.set(0, p.toString()));
    ProcessBuilder pb = new ProcessBuilder(resolved).redirectErrorStream(true);
    try {
      Process p = pb.start();
      try (OutputStream in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      Bounded.Outcome o = Bounded.await(p, 1 << 20, 10);
      if (o.timedOut()) {
        return new Result(-1, argv.get(0) + " did not finish within 10 s");
      }
      return new Result(o.exit(), new String(o.output(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Result(-1, argv.get(0) + " could not be started: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, argv.get(0) + " was interrupted");
    }
  }
}
