package dev.agentbroker.egress.internal.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.egress.internal.inject.InjectHarness.Result;
import dev.agentbroker.testkit.git.GitHttpHost;
import dev.agentbroker.testkit.git.GitRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An unmodified git client with no credential at all clones, fetches and pushes through the
 * injecting proxy; the git host only admits live simulator tokens, so every success proves the
 * proxy added the broker-minted token. Another repository is refused by the proxy before any byte
 * reaches the host.
 */
class InjectGitTest {
  @TempDir static Path dir;
  static InjectHarness h;

  @BeforeAll
  static void start() throws Exception {
    h = new InjectHarness(dir, GitHttpHost.DEFAULT_MAX_BODY_BYTES);
    assertEquals(201, h.register("run-git-1", "svc-a").statusCode());
  }

  @AfterAll
  static void stop() {
    if (h != null) {
      h.close();
    }
  }

  @Test
  void cloneFetchAndPushWithNoCredentialInTheClient() throws Exception {
    Path work = dir.resolve("work");
    Result clone = h.git(work, "clone", h.gitUrl("acme/svc-a"), "svc-a");
    assertEquals(0, clone.exit(), clone.output());
    Path repo = work.resolve("svc-a");
    Files.writeString(repo.resolve("agent.txt"), "written by the agent\n");
    assertEquals(0, h.git(repo, "add", "agent.txt").exit());
    assertEquals(0, h.git(repo, "commit", "-q", "-m", "agent change").exit());
    Result push = h.git(repo, "push", "origin", "HEAD:main");
    assertEquals(0, push.exit(), push.output());
    String head = h.git(repo, "rev-parse", "HEAD").output().strip();
    assertEquals(head, h.git.ref("acme/svc-a", "refs/heads/main"));
    Result fetch = h.git(repo, "fetch", "origin");
    assertEquals(0, fetch.exit(), fetch.output());

    // The host saw only the one broker-minted token, in every request.
    assertEquals(1, h.broker.tokens.size());
    String fp = GitHttpHost.tokenFingerprint(h.broker.tokens.get(0));
    assertFalse(h.git.requests().isEmpty());
    for (GitRequest r : h.git.requests()) {
      assertEquals(fp, r.tokenSha256(), r.toString());
    }
    assertTrue(h.git.requests().stream().anyMatch(r -> r.kind() == GitRequest.Kind.PUSH));
    // The proxy asked the broker for exactly the run's scope.
    assertEquals("acme", h.broker.mints.get(0).path("owner").asText());
    assertEquals("[\"svc-a\"]", h.broker.mints.get(0).path("repositories").toString());
    assertTrue(h.logs.toString().contains("action=egress.inject "), h.logs.toString());
    assertTrue(
        h.logs.toString().contains("path=/{owner}/{repo}/git-receive-pack repo=acme/svc-a"),
        h.logs.toString());
  }

  @Test
  void anotherRepositoryIsRefusedBeforeTheHost() throws Exception {
    int before = h.git.requests().size();
    Result clone = h.git(dir.resolve("work2"), "clone", h.gitUrl("acme/svc-b"), "svc-b");
    assertNotEquals(0, clone.exit());
    assertTrue(clone.output().contains("403"), clone.output());
    assertEquals(before, h.git.requests().size());
    // The decision line is written as the refused tunnel closes, which git may outrun.
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!h.logs.toString().contains("reason=cross_repository") && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(h.logs.toString().contains("reason=cross_repository"), h.logs.toString());
  }
}
