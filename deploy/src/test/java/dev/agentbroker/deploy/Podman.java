package dev.agentbroker.deploy;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Rootful podman on storage of this test only (explicit --root/--runroot), forced onto runc with
 * the limits this machine allows (/work/shared/sandbox-runtimes.md; as the e2e AgentImage does).
 */
final class Podman implements AutoCloseable {
  record Result(int exit, String out) {}

  private final Path dir;
  private final Path conf;

  Podman(Path dir) throws Exception {
    this.dir = dir;
    Files.createDirectories(dir.resolve("root"));
    Files.createDirectories(dir.resolve("runroot"));
    conf = dir.resolve("containers.conf");
    Files.writeString(
        conf,
        "[containers]\n"
            + "default_ulimits = [\"nofile=20000:20000\", \"nproc=32768:32768\"]\n"
            + "[engine]\n"
            + "runtime = \"runc\"\n");
  }

  Path conf() {
    return conf;
  }

  static boolean present() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, "podman"))) {
        return true;
      }
    }
    return false;
  }

  List<String> argv(List<String> args) {
    List<String> argv =
        new ArrayList<>(
            List.of(
                "podman",
                "--root",
                dir.resolve("root").toString(),
                "--runroot",
                dir.resolve("runroot").toString(),
                "--runtime",
                "runc"));
    argv.addAll(args);
    return argv;
  }

  /** Runs podman; its exit code and combined output. */
  Result run(List<String> args, int seconds) throws Exception {
    Path log = Files.createTempFile(dir, "podman-", ".log");
    ProcessBuilder pb =
        new ProcessBuilder(argv(args))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(new File("/dev/null"));
    pb.environment().put("CONTAINERS_CONF", conf.toString());
    Process p = pb.start();
    boolean done = p.waitFor(seconds, TimeUnit.SECONDS);
    if (!done) {
      p.destroyForcibly().waitFor();
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    Files.delete(log);
    return new Result(done ? p.exitValue() : -1, out);
  }

  /** Runs podman and fails unless it exits 0; its output. */
  String ok(List<String> args) throws Exception {
    Result r = run(args, 300);
    if (r.exit() != 0) {
      throw new IllegalStateException("podman " + String.join(" ", args) + " failed: " + r.out());
    }
    return r.out();
  }

  @Override
  public void close() throws Exception {
    // Not `system reset`: with CNI it would also delete every other network in /etc/cni/net.d,
    // including those of tests running beside this one.
    run(List.of("rm", "--all", "--force", "--time", "0"), 120);
    run(List.of("volume", "prune", "--force"), 120);
    run(List.of("rmi", "--all", "--force"), 120);
  }
}
