package dev.agentbroker.sandbox.internal.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.sandbox.internal.RootRequired;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bubblewrap command line run for real (as root, like the launcher): uid 1000, no capabilities,
 * no_new_privs, read-only root, private writable workspace, no network, the environment exactly as
 * given, the run's cgroup limits in force, and a busybox rootfs works as well as the host's
 * directories.
 */
class BubblewrapSandboxTest {
  @TempDir Path helpers;
  @TempDir Path tmp;

  @BeforeAll
  static void prerequisites() {
    RootRequired.check("bwrap", "setpriv");
  }

  record Outcome(int status, String output) {}

  Outcome run(String rootfs, List<String> command, Optional<CgroupLimits> limits) throws Exception {
    Files.writeString(helpers.resolve("passwd"), "agent:x:1000:1000::/home/agent:/bin/sh\n");
    Files.writeString(helpers.resolve("group"), "agent:x:1000:\n");
    helpers.toFile().setReadable(true, false);
    helpers.toFile().setExecutable(true, false);
    SandboxSpec spec =
        new SandboxSpec(
            "t" + System.nanoTime() % 100000,
            command,
            false,
            Optional.empty(),
            256L << 20,
            1,
            64,
            Optional.empty(),
            List.of(),
            helpers,
            "unused",
            rootfs,
            Optional.empty(),
            Optional.empty());
    List<String> argv = new ArrayList<>(new Bubblewrap().plan(spec).argv());
    limits.ifPresent(l -> argv.addAll(0, List.of("/bin/sh", "-c", l.joinScript(), "sh")));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.environment().clear();
    pb.environment()
        .putAll(Map.of("PATH", "/usr/bin:/bin", "AGENT_SANDBOX", "1", "HOME", "/home/agent"));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    return new Outcome(p.exitValue(), out);
  }

  @Test
  void hostRootfsSandboxHasTheIssuesProperties() throws Exception {
    Outcome o =
        run(
            "host",
            List.of(
                "/bin/sh",
                "-c",
                "id -u; id -g; grep -E '^(CapEff|CapBnd|NoNewPrivs)' /proc/self/status; "
                    + "touch /etc/x 2>/dev/null && echo root-writable || echo root-read-only; "
                    + "touch /workspace/f && echo workspace-writable; "
                    + "sed -n 's/^ *\\([a-z0-9]*\\):.*/\\1/p' /proc/net/dev | tr '\\n' ' '; echo; "
                    + "env | sort | tr '\\n' ' '; echo; "
                    + "test -e /etc/shadow && echo shadow-visible || echo no-shadow; exit 7"),
            Optional.empty());
    assertEquals(7, o.status(), o.output());
    String[] lines = o.output().split("\n");
    assertEquals("1000", lines[0], o.output());
    assertEquals("1000", lines[1], o.output());
    assertTrue(o.output().contains("CapEff:\t0000000000000000"), o.output());
    assertTrue(o.output().contains("CapBnd:\t0000000000000000"), o.output());
    assertTrue(o.output().contains("NoNewPrivs:\t1"), o.output());
    assertTrue(o.output().contains("root-read-only"), o.output());
    assertTrue(o.output().contains("workspace-writable"), o.output());
    assertTrue(o.output().contains("\nlo \n"), "no interface but loopback: " + o.output());
    assertTrue(
        o.output().contains("AGENT_SANDBOX=1 HOME=/home/agent"),
        "exactly the given environment: " + o.output());
    assertTrue(o.output().contains("no-shadow"), o.output());
  }

  @Test
  void cgroupLimitsApplyToEverythingInTheSandbox() throws Exception {
    try (CgroupLimits limits =
        CgroupLimits.create("agent-test-" + ProcessHandle.current().pid(), 64L << 20, 0.5, 20)) {
      // 40 background sleeps against a limit of 20 processes: forks must start failing.
      Outcome o =
          run(
              "host",
              List.of(
                  "/bin/sh",
                  "-c",
                  "i=0; while [ $i -lt 40 ]; do sleep 5 & i=$((i+1)); done 2>&1 | head -1; "
                      + "cat /proc/self/cgroup | grep -c agent-test || true"),
              Optional.of(limits));
      assertTrue(
          o.output().toLowerCase().contains("resource temporarily unavailable")
              || o.output().toLowerCase().contains("cannot fork"),
          "pids.max enforced: " + o.output());
      for (Path d : limits.directories()) {
        String mem =
            d.resolve("memory.limit_in_bytes").toFile().exists()
                ? Files.readString(d.resolve("memory.limit_in_bytes")).trim()
                : null;
        if (mem != null) {
          assertEquals(Long.toString(64L << 20), mem);
        }
      }
    }
  }

  @Test
  void busyboxRootfsWorks() throws Exception {
    Path busybox = Path.of("/bin/busybox");
    assertTrue(
        Files.isExecutable(busybox), "busybox-static is not installed: ./run-tests installs it");
    tmp.toFile().setExecutable(true, false); // JUnit makes it 0700; uid 1000 must traverse it
    Path root = tmp.resolve("rootfs");
    Files.createDirectories(root.resolve("bin"));
    Files.createDirectories(root.resolve("etc"));
    Files.copy(busybox, root.resolve("bin/busybox"));
    for (String applet : List.of("sh", "id", "cat", "touch", "echo")) {
      Files.createSymbolicLink(root.resolve("bin").resolve(applet), Path.of("busybox"));
    }
    Files.writeString(root.resolve("etc/passwd"), "agent:x:1000:1000::/home/agent:/bin/sh\n");
    root.toFile().setReadable(true, false);
    Outcome o =
        run(
            root.toString(),
            List.of(
                "/bin/sh", "-c", "id -u; touch /bin/x 2>/dev/null || echo ro; echo $AGENT_SANDBOX"),
            Optional.empty());
    assertEquals(0, o.status(), o.output());
    assertEquals("1000\nro\n1\n", o.output());
    assertFalse(o.output().contains("root"));
  }
}
