package dev.agentbroker.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code agent} CLI as a real child process (its own JVM, signals, exit status), with exactly
 * the environment a test gives it; standard output and error go to files so they can be scanned.
 */
final class Agent {
  record Result(int exit, String out, String err, long ms) {
    /** Standard error without the launcher's informational lines. */
    List<String> errorLines() {
      return err.lines()
          .filter(l -> !l.startsWith("agent: agent.") && !l.startsWith("agent: warning"))
          .toList();
    }
  }

  final Process process;
  final Path out;
  final Path err;
  final long t0 = System.nanoTime();

  private Agent(Process process, Path out, Path err) {
    this.process = process;
    this.out = out;
    this.err = err;
  }

  static Agent start(Map<String, String> env, String stdin, String... args) throws IOException {
    List<String> argv =
        new ArrayList<>(
            List.of(
                "java",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                Chain.agentClasspath(),
                "dev.agentbroker.sandbox.AgentMain"));
    argv.addAll(List.of(args));
    Path out = Files.createTempFile("agent-out-", ".txt");
    Path err = Files.createTempFile("agent-err-", ".txt");
    ProcessBuilder pb =
        new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    if (stdin == null) {
      pb.redirectInput(new File("/dev/null"));
    }
    Process p = pb.start();
    if (stdin != null) {
      try (var in = p.getOutputStream()) {
        in.write(stdin.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    return new Agent(p, out, err);
  }

  static Result run(Map<String, String> env, String... args) throws Exception {
    return start(env, null, args).await(Duration.ofMinutes(2));
  }

  Result await(Duration max) throws Exception {
    if (!process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(
          "agent did not finish within " + max + "; stderr: " + Files.readString(err));
    }
    return new Result(
        process.exitValue(),
        Files.readString(out),
        Files.readString(err),
        (System.nanoTime() - t0) / 1_000_000);
  }

  String stderrSoFar() throws IOException {
    return Files.readString(err);
  }
}
