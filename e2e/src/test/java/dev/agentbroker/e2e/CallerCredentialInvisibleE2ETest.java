package dev.agentbroker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Threat model SBX-I2: the launcher's caller credential (the JWT in {@code
 * AGENT_CALLER_TOKEN_FILE}, which can mint tokens for every repository the caller's grant covers)
 * never enters the sandbox. Checked from inside (read and find its path; dump the environment and
 * every process's command line and environment) and from the host (every file of the sandbox's
 * mount namespace, walked through {@code /proc/PID/root}; every process on the machine).
 */
class CallerCredentialInvisibleE2ETest {
  /**
   * The host's read-only OS directories, bound unchanged into a {@code host}-rootfs sandbox; the
   * caller file lives in the launcher's settings, never there (the in-sandbox {@code find} by name
   * covers them anyway). Plus the kernel's virtual file systems.
   */
  private static final Set<String> SKIPPED_TOP =
      Set.of("proc", "sys", "dev", "usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32");

  @TempDir Path ws;

  @Test
  void theCallerJwtIsNowhereInTheSandbox() throws Exception {
    Map<String, String> env = Chain.agentEnv();
    Path callerFile = Path.of(env.get("AGENT_CALLER_TOKEN_FILE"));
    String jwt = Files.readString(callerFile).trim();
    String[] parts = jwt.split("\\.");
    assertEquals(3, parts.length, "a JWS compact JWT");
    // The signature alone is enough to recognise a copy (e.g. re-encoded header or payload).
    List<String> needles = List.of(jwt, parts[2]);

    String inside =
        String.join(
            "\n",
            "cat \"$CF\" >/dev/null 2>&1 && echo CALLER-FILE-READ || echo caller-file=absent",
            "ls -d \"$(dirname \"$CF\")\" >/dev/null 2>&1 && echo CALLER-DIR-VISIBLE"
                + " || echo caller-dir=absent",
            "find / \\( -path /proc -o -path /sys \\) -prune -o -name \"$(basename \"$CF\")\""
                + " -print 2>/dev/null > /workspace/found.txt; echo find=done",
            "env > /workspace/env.txt",
            "for p in /proc/[0-9]*; do echo \"== $p\"; tr '\\0' ' ' < $p/cmdline; echo;"
                + " tr '\\0' '\\n' < $p/environ; done > /workspace/procs.txt 2>/dev/null");
    List<String> hostFileHits = new ArrayList<>();
    List<String> processHits;
    int[] scanned = new int[1];
    Agent.Result r;
    try (PausedSandbox sandbox = PausedSandbox.start(ws, inside)) {
      List<Long> shells = sandbox.shellPids();
      assertEquals(1, shells.size(), "the sandbox's shell: " + shells);
      Path root = Path.of("/proc/" + shells.get(0) + "/root");
      try (Stream<Path> top = Files.list(root)) {
        for (Path p : top.toList()) {
          if (!SKIPPED_TOP.contains(p.getFileName().toString())) {
            scan(p, needles, hostFileHits, scanned);
          }
        }
      }
      assertTrue(
          Files.exists(root.resolve("run/agent/git-credential-agent")),
          "the walk sees the sandbox's own mounts");
      processHits = new ArrayList<>();
      for (String n : needles) {
        processHits.addAll(Processes.whereVisible(n));
      }
      r = sandbox.go(Map.of("CF", callerFile.toString()), Duration.ofMinutes(3));
    }
    String out = r.out() + r.err();
    assertEquals(0, r.exit(), out);
    assertTrue(out.contains("SCRIPT-DONE") && out.contains("find=done"), out);
    assertTrue(out.contains("caller-file=absent"), out);
    assertTrue(out.contains("caller-dir=absent"), out);
    assertEquals("", Files.readString(ws.resolve("found.txt")), "no file of that name anywhere");
    assertTrue(scanned[0] >= 5, "files scanned through /proc/PID/root: " + scanned[0]);
    assertEquals(List.of(), hostFileHits, "files reachable in the sandbox");
    assertEquals(List.of(), processHits, "command lines and environments of every process");

    String sandboxEnv = Files.readString(ws.resolve("env.txt"));
    String procs = Files.readString(ws.resolve("procs.txt"));
    assertTrue(sandboxEnv.contains("AGENT_SANDBOX=1"), sandboxEnv);
    assertTrue(procs.contains("bash -c set -u"), "the dump saw the sandbox's processes: " + procs);
    for (String n : needles) {
      assertFalse(sandboxEnv.contains(n), "the sandbox's environment");
      assertFalse(procs.contains(n), "the sandbox's process list");
      assertFalse(out.contains(n), "the launcher's output");
    }
    assertFalse(sandboxEnv.contains("AGENT_CALLER_TOKEN"), sandboxEnv);
    assertFalse(sandboxEnv.contains(callerFile.toString()), "not even its path: " + sandboxEnv);
  }

  /** Adds to {@code hits} every regular file under {@code dir} holding a needle; no symlinks. */
  private static void scan(Path dir, List<String> needles, List<String> hits, int[] scanned)
      throws IOException {
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (attrs.isRegularFile() && attrs.size() <= (8 << 20)) {
              scanned[0]++;
              try {
                String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                for (String n : needles) {
                  if (text.contains(n)) {
                    hits.add(file.toString());
                  }
                }
              } catch (IOException e) {
                // unreadable even for root (a socket, a vanished file): nothing to leak from
              }
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
