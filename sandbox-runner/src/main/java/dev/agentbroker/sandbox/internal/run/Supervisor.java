package dev.agentbroker.sandbox.internal.run;

import dev.agentbroker.sandbox.AgentException;
import dev.agentbroker.sandbox.ExitCode;
import dev.agentbroker.sandbox.internal.net.HostCommands;
import dev.agentbroker.sandbox.internal.runtime.LaunchPlan;
import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts the runtime process and holds the wall clock: at the deadline the sandbox gets TERM (the
 * runtime's own signal command for containers), {@link #GRACE} to finish, then it is killed and
 * removed by force. {@link #stop()} does the same for Ctrl-C, SIGTERM and errors.
 */
final class Supervisor {
  static final Duration GRACE = Duration.ofSeconds(10);
  private final LaunchPlan plan;
  private final HostCommands host;
  private final RunLog log;
  private volatile Process process;
  private volatile boolean timedOut;
  private boolean stopped;

  Supervisor(LaunchPlan plan, HostCommands host, RunLog log) {
    this.plan = plan;
    this.host = host;
    this.log = log;
  }

  /** Starts {@code argv} with exactly {@code env}; waits at most {@code timeout}. */
  int run(List<String> argv, Map<String, String> env, boolean interactive, Duration timeout) {
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().clear();
    pb.environment().putAll(env);
    pb.redirectOutput(ProcessBuilder.Redirect.INHERIT)
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.redirectInput(
        interactive || System.console() == null
            ? ProcessBuilder.Redirect.INHERIT
            : ProcessBuilder.Redirect.from(new File("/dev/null")));
    synchronized (this) {
      // stop() ran first (a signal during set-up): the sandbox must not start at all.
      if (stopped) {
        throw new AgentException(
            ExitCode.SANDBOX_FAILED, "the run was stopped before its sandbox started");
      }
      try {
        process = pb.start();
      } catch (IOException e) {
        throw new AgentException(
            ExitCode.SANDBOX_FAILED, "cannot start " + argv.get(0) + ": " + e.getMessage());
      }
    }
    try {
      if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return process.exitValue();
      }
      timedOut = true;
      log.warn(
          "run " + log.runId() + " reached its timeout of " + timeout + "; stopping the sandbox");
      stop();
      return ExitCode.TIMEOUT.code();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop();
      return 130;
    }
  }

  boolean timedOut() {
    return timedOut;
  }

  /** TERM, grace, KILL, forced removal. Idempotent; safe from the shutdown hook. */
  synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    Process p = process;
    if (p != null && p.isAlive()) {
      if (plan.signalTerm().isEmpty()) {
        p.destroy();
      } else {
        host.run(plan.signalTerm(), null);
      }
      try {
        if (!p.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
          p.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
    if (!plan.forceRemove().isEmpty()) {
      // The runtime client may be gone while the container lives on (podman: killing the client
      // leaves the container running), so removal is by name, always.
      host.run(plan.forceRemove(), null);
    }
  }
}
