package dev.agentbroker.sandbox.internal.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One golden command line per runtime and situation (src/test/resources/golden/NAME.argv, one
 * argument per line). A change to how a sandbox is built shows up as a reviewed diff of these
 * files; {@code -Dgolden.update=true} rewrites them. Apple's {@code container} can only be covered
 * this way here. Every case also asserts the invariants no golden file may lose.
 */
class ArgvGoldenTest {
  static final Path GOLDEN = Path.of("src/test/resources/golden");
  static final Path HELPERS = Path.of("/tmp/agent-run-golden");
  @TempDir static Path fakeRoot;

  @BeforeAll
  static void fakeHost() throws IOException {
    // A merged-/usr host like Debian 12: /bin, /lib, /lib64, /sbin are links into /usr.
    Files.createDirectories(fakeRoot.resolve("usr/bin"));
    for (String d : List.of("bin", "sbin", "lib", "lib64")) {
      Files.createSymbolicLink(fakeRoot.resolve(d), Path.of("usr/" + d));
    }
    Files.createDirectories(fakeRoot.resolve("etc/ssl/certs"));
    Files.createDirectories(fakeRoot.resolve("etc/alternatives"));
    Files.writeString(fakeRoot.resolve("etc/ld.so.cache"), "");
    Files.writeString(fakeRoot.resolve("etc/shadow"), "never bound");
  }

  static SandboxSpec spec(
      boolean interactive, Optional<String> netns, Optional<Path> workspace, String rootfs) {
    return new SandboxSpec(
        "0a1b2c3d",
        List.of("git", "ls-remote", "https://github.com/acme/svc-a"),
        interactive,
        workspace,
        4L << 30,
        2,
        512,
        netns,
        List.of("AGENT_SANDBOX", "HOME", "HTTPS_PROXY", "GIT_CONFIG_COUNT"),
        HELPERS,
        "localhost/agent-sandbox:latest",
        rootfs,
        Optional.empty(),
        Optional.empty());
  }

  static Stream<Arguments> cases() {
    Optional<String> ns = Optional.of("/run/netns/agent-s5");
    Optional<Path> ws = Optional.of(Path.of("/home/dev/project"));
    return Stream.of(
        Arguments.of(
            "podman-proxy-only",
            new OciCli("podman", 20000, 32768),
            spec(false, ns, Optional.empty(), "host")),
        Arguments.of(
            "podman-no-network-workspace",
            new OciCli("podman", 20000, 32768),
            spec(false, Optional.empty(), ws, "host")),
        Arguments.of(
            "podman-shell",
            new OciCli("podman", 20000, 32768),
            spec(true, ns, Optional.empty(), "host")),
        Arguments.of(
            "docker-proxy-only",
            new OciCli("docker", 20000, 32768),
            spec(false, ns, Optional.empty(), "host")),
        Arguments.of(
            "bwrap-host-proxy-only",
            new Bubblewrap(fakeRoot),
            spec(false, ns, Optional.empty(), "host")),
        Arguments.of(
            "bwrap-host-no-network-shell",
            new Bubblewrap(fakeRoot),
            spec(true, Optional.empty(), ws, "host")),
        Arguments.of("container", new AppleContainer(), spec(false, ns, Optional.empty(), "host")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesGolden(String name, Backend backend, SandboxSpec spec) throws IOException {
    LaunchPlan plan = backend.plan(spec);
    String actual =
        String.join("\n", plan.argv()).replace(fakeRoot.toString(), "$HOST")
            + "\n"
            + "# force-remove: "
            + String.join(" ", plan.forceRemove())
            + "\n"
            + "# terminate: "
            + String.join(" ", plan.signalTerm())
            + "\n";
    Path file = GOLDEN.resolve(name + ".argv");
    if (Boolean.getBoolean("golden.update") || !Files.exists(file)) {
      Files.writeString(file, actual);
    }
    assertEquals(Files.readString(file), actual, "golden command line of " + name);
    invariants(name, plan.argv(), spec);
  }

  /** What every sandbox must have, whatever the runtime (the list). */
  static void invariants(String name, List<String> argv, SandboxSpec spec) {
    String joined = String.join(" ", argv);
    assertTrue(joined.contains("1000"), name + ": uid 1000");
    assertFalse(
        argv.stream().anyMatch(a -> a.contains("=") && a.startsWith("HTTPS_PROXY")),
        name + ": env by name only");
    for (String env : spec.envNames()) {
      assertFalse(
          joined.contains(env + "="), name + ": no NAME=value on the command line for " + env);
    }
    assertFalse(joined.contains("shadow"), name + ": never the host's shadow file");
    if (!name.startsWith("container")) {
      // bwrap sets no_new_privs itself before running the sandbox (BubblewrapSandboxTest checks
      // it).
      assertTrue(
          joined.contains("no-new-priv") || argv.contains("bwrap"), name + ": no-new-privileges");
      assertTrue(
          joined.toLowerCase().contains("cap-drop all") || joined.contains("--cap-drop ALL"),
          name + ": no capabilities");
      assertTrue(
          joined.contains("--read-only") || joined.contains("--remount-ro /"),
          name + ": read-only root");
      if (spec.netnsPath().isEmpty()) {
        assertTrue(
            joined.contains("--network none") || joined.contains("--unshare-net"),
            name + ": no network without a proxy");
      } else {
        assertTrue(joined.contains(spec.netnsPath().get()), name + ": joins the run's namespace");
      }
    }
  }
}
