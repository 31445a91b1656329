package dev.agentbroker.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.sandbox.internal.host.Host;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The agent image (sandbox-runner/image/Containerfile) built with podman for the tests. No registry
 * is reachable here, so the Containerfile's {@code BASE} is a Debian bookworm made with debootstrap
 * (git, curl and CA certificates included, so the build needs no network), imported once per
 * machine and cached as a tarball under /var/cache/agent-broker-tests. Podman runs on explicit
 * --root/--runroot directories of this JVM and is forced onto runc.
 */
final class AgentImage {
  static final String TAG = "localhost/agent-sandbox:e2e";
  static final Path CACHE = Path.of("/var/cache/agent-broker-tests/agent-base-bookworm.tar");
  private static Path storage;

  private AgentImage() {}

  /** podman storage root (and runroot beside it) holding the built image. */
  static synchronized Path storage() throws Exception {
    if (storage == null) {
      assertTrue(Host.isRoot(), "podman tests run rootful: run ./run-tests as root");
      for (String p : List.of("podman", "runc", "debootstrap")) {
        assertTrue(Host.which(p).isPresent(), p + " is not installed: ./run-tests installs it");
      }
      Path dir = Files.createTempDirectory("agent-e2e-podman-");
      Files.createDirectories(dir.resolve("root"));
      Files.createDirectories(dir.resolve("runroot"));
      if (!Files.exists(CACHE)) {
        baseTarball();
      }
      podman(dir, List.of("import", CACHE.toString(), "localhost/agent-base:bookworm"));
      podman(
          dir,
          List.of(
              "build",
              "--network",
              "none",
              "--build-arg",
              "BASE=localhost/agent-base:bookworm",
              "-t",
              TAG,
              "-f",
              Chain.ROOT.resolve("sandbox-runner/image/Containerfile").toString(),
              Chain.ROOT.resolve("sandbox-runner/image").toString()));
      storage = dir;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> cleanup(dir)));
    }
    return storage;
  }

  private static void baseTarball() throws Exception {
    Path root = Files.createTempDirectory("agent-base-");
    String mirror =
        System.getenv().getOrDefault("AGENT_TEST_DEBIAN_MIRROR", "http://deb.debian.org/debian");
    run(
        List.of(
            "debootstrap",
            "--variant=minbase",
            "--include=git,curl,ca-certificates",
            "bookworm",
            root.toString(),
            mirror),
        600);
    run(
        List.of(
            "sh",
            "-c",
            "rm -rf " + root + "/var/cache/apt/archives/*.deb " + root + "/var/lib/apt/lists/*"),
        60);
    Files.createDirectories(CACHE.getParent());
    Path tmp = CACHE.resolveSibling(CACHE.getFileName() + ".part");
    run(List.of("tar", "-C", root.toString(), "-cf", tmp.toString(), "."), 300);
    Files.move(tmp, CACHE);
    run(List.of("rm", "-rf", root.toString()), 120);
  }

  static String podman(Path dir, List<String> args) throws Exception {
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
    return run(argv, 600);
  }

  static String run(List<String> argv, int seconds) throws Exception {
    Path log = Files.createTempFile("agent-image-", ".log");
    Process p =
        new ProcessBuilder(argv)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(new File("/dev/null"))
            .start();
    boolean done = p.waitFor(seconds, TimeUnit.SECONDS);
    String out = Files.readString(log, StandardCharsets.UTF_8);
    Files.delete(log);
    if (!done || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", argv) + " failed: " + out);
    }
    return out;
  }

  private static void cleanup(Path dir) {
    try {
      podman(dir, List.of("rm", "--all", "--force"));
      podman(dir, List.of("system", "reset", "--force"));
    } catch (Exception e) {
      // leave it; a temp directory
    }
    try {
      run(List.of("rm", "-rf", dir.toString()), 120);
    } catch (Exception e) {
      // ignore
    }
  }

  static List<String> containers() throws Exception {
    return podman(storage(), List.of("ps", "--all", "--format", "{{.Names}}"))
        .lines()
        .filter(l -> !l.isBlank())
        .toList();
  }
}
