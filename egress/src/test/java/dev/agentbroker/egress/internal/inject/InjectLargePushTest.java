package dev.agentbroker.egress.internal.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.egress.internal.inject.InjectHarness.Result;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A push of more than 100 MiB (incompressible, so the pack is that large; git sends it chunked)
 * through the injecting proxy, streamed to a git host that accepts up to 256 MiB.
 */
class InjectLargePushTest {
  static final long MIB = 1024 * 1024;

  @TempDir Path dir;

  @Test
  void pushOfMoreThan100MiB() throws Exception {
    try (InjectHarness h = new InjectHarness(dir, 256 * MIB)) {
      assertEquals(201, h.register("run-big", "svc-a").statusCode());
      Path work = dir.resolve("work");
      Result clone = h.git(work, "clone", "-q", h.gitUrl("acme/svc-a"), "svc-a");
      assertEquals(0, clone.exit(), clone.output());
      Path repo = work.resolve("svc-a");
      Result made =
          InjectHarness.run(
              repo,
              h.sandboxEnv(),
              "sh",
              "-c",
              "head -c " + (105 * MIB) + " /dev/urandom > big.bin");
      assertEquals(0, made.exit(), made.output());
      assertEquals(0, h.git(repo, "add", "big.bin").exit());
      assertEquals(0, h.git(repo, "commit", "-q", "-m", "large").exit());
      Result push = h.git(repo, "push", "-q", "origin", "HEAD:main");
      assertEquals(0, push.exit(), push.output());
      String head = h.git(repo, "rev-parse", "HEAD").output().strip();
      assertEquals(head, h.git.ref("acme/svc-a", "refs/heads/main"));
      Matcher m =
          Pattern.compile(
                  "path=/\\{owner}/\\{repo}/git-receive-pack repo=acme/svc-a bytes_up=(\\d+)")
              .matcher(h.logs.toString());
      // git probes with a 4-byte POST first, then sends the pack chunked: the largest counts.
      long largest = 0;
      while (m.find()) {
        largest = Math.max(largest, Long.parseLong(m.group(1)));
      }
      assertTrue(largest >= 100 * MIB, h.logs.toString());
    }
  }
}
