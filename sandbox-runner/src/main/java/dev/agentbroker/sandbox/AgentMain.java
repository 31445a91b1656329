package dev.agentbroker.sandbox;

import dev.agentbroker.sandbox.internal.cli.Commands;
import dev.agentbroker.sandbox.internal.cli.Context;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;

/**
 * {@code agent}: the entry point. Every failure ends with exactly one line on standard error,
 * {@code agent: <wire>: <message>}, and the {@link ExitCode} of its class; a command that ran exits
 * with its own status.
 */
public final class AgentMain {
  private AgentMain() {}

  public static void main(String[] args) {
    int status =
        execute(args, System.getenv(), System.in, System.out, System.err, Clock.systemUTC());
    System.out.flush();
    System.exit(status);
  }

  /** Runs one command line with explicit surroundings (tests use this). */
  public static int execute(
      String[] args,
      Map<String, String> env,
      InputStream in,
      PrintStream out,
      PrintStream err,
      Clock clock) {
    return Commands.execute(args, new Context(env, in, out, err, clock));
  }
}
