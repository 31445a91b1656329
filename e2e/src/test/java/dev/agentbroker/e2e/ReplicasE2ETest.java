package dev.agentbroker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.e2e.Replicas.Answer;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue #17's contract, on two real broker processes sharing one real Redis: whatever replica a
 * load balancer picks, a lease, an idempotency record and a break-glass grant mean the same thing,
 * every transition happens once, and a replica that dies loses nothing.
 */
class ReplicasE2ETest {
  static Replicas r;

  @BeforeAll
  static void start() throws Exception {
    r = Replicas.start();
  }

  @AfterAll
  static void stop() {
    if (r != null) {
      r.close();
    }
  }

  @Test
  void aTokenMintedOnAIsRevokedOnB() throws Exception {
    Answer minted = r.mint(r.a());
    assertEquals(201, minted.status(), String.valueOf(minted.body()));
    String token = minted.text("token");
    assertTrue(r.stack.simulator().isTokenActive(token));

    Answer revoked = r.call(r.b(), "DELETE", "/token/" + minted.text("lease_id"), r.caller(), null);
    assertEquals(204, revoked.status(), String.valueOf(revoked.body()));
    assertFalse(r.stack.simulator().isTokenActive(token), "dead at GitHub, revoked by replica B");

    Answer again = r.call(r.a(), "DELETE", "/token/" + minted.text("lease_id"), r.caller(), null);
    assertEquals(404, again.status(), "the lease is gone on A too");
    assertEquals("not_found", again.code());
  }

  @Test
  void twoReplicasRevokingOneLeaseAtOnceRevokeItOnce() throws Exception {
    for (int round = 0; round < 10; round++) {
      Answer minted = r.mint(round % 2 == 0 ? r.a() : r.b());
      assertEquals(201, minted.status());
      String path = "/token/" + minted.text("lease_id");
      List<Answer> answers =
          race(
              () -> r.call(r.a(), "DELETE", path, r.caller(), null),
              () -> r.call(r.b(), "DELETE", path, r.caller(), null));
      assertEquals(
          List.of(204, 404),
          answers.stream().map(Answer::status).sorted().toList(),
          "round " + round + ": exactly one replica revokes");
      assertFalse(r.stack.simulator().isTokenActive(minted.text("token")));
    }
  }

  @Test
  void anIdempotencyKeyUsedOnAThenBRunsTheVerbOnce() throws Exception {
    String body = "{\"owner\":\"acme\",\"name\":\"replica-idem\"}";
    Answer first =
        r.call(r.a(), "POST", "/verbs/create-repo", r.caller(), body, "Idempotency-Key", "k-1");
    assertEquals(201, first.status(), String.valueOf(first.body()));
    Answer second =
        r.call(r.b(), "POST", "/verbs/create-repo", r.caller(), body, "Idempotency-Key", "k-1");
    assertEquals(201, second.status());
    assertEquals("true", second.replayed().orElse(null), "B replays A's answer");
    assertEquals(first.body(), second.body());
    assertEquals(1, creations("replica-idem"), "GitHub saw one repository creation");

    Answer conflict =
        r.call(
            r.b(),
            "POST",
            "/verbs/create-repo",
            r.caller(),
            "{\"owner\":\"acme\",\"name\":\"replica-other\"}",
            "Idempotency-Key",
            "k-1");
    assertEquals(409, conflict.status());
    assertEquals("idempotency_conflict", conflict.code());
  }

  @Test
  void aGrantRequestedOnAApprovedOnBIsUsedOnceOnAAndRefusedOnB() throws Exception {
    String id = requestGrant(r.a());
    Answer approved = step(r.b(), "approve", id, "bob");
    assertEquals(200, approved.status(), String.valueOf(approved.body()));
    assertEquals("approved", approved.text("state"));

    Answer used = step(r.a(), "use", id, "alice");
    assertEquals(200, used.status(), String.valueOf(used.body()));
    String token = used.body().path("token").path("token").asText();
    assertTrue(r.stack.simulator().isTokenActive(token));

    Answer again = step(r.b(), "use", id, "alice");
    assertEquals(409, again.status());
    assertEquals("grant_already_used", again.code());
  }

  @Test
  void selfApprovalIsRefusedOnTheOtherReplicaToo() throws Exception {
    String id = requestGrant(r.a());
    Answer self = step(r.b(), "approve", id, "alice");
    assertEquals(403, self.status());
    assertEquals("self_approval_refused", self.code());
  }

  @Test
  void concurrentUsesOnAAndBExactlyOneWins() throws Exception {
    for (int round = 0; round < 5; round++) {
      String id = requestGrant(round % 2 == 0 ? r.a() : r.b());
      assertEquals(200, step(round % 2 == 0 ? r.b() : r.a(), "approve", id, "bob").status());
      List<Answer> answers =
          race(() -> step(r.a(), "use", id, "alice"), () -> step(r.b(), "use", id, "alice"));
      List<Integer> statuses = answers.stream().map(Answer::status).sorted().toList();
      assertEquals(List.of(200, 409), statuses, "round " + round + ": " + answers);
      assertTrue(
          answers.stream().anyMatch(a -> "grant_already_used".equals(a.code())),
          "the loser is told the grant was used: " + answers);
    }
  }

  @Test
  void aReplicaKilledMidRunLosesNothing() throws Exception {
    Answer onB = r.mint(r.b());
    assertEquals(201, onB.status());
    String pending = requestGrant(r.b());
    String approved = requestGrant(r.b());
    assertEquals(200, step(r.b(), "approve", approved, "bob").status());

    r.restartB(); // SIGKILL: no shutdown hook, nothing flushed on the way out

    Answer revoked = r.call(r.b(), "DELETE", "/token/" + onB.text("lease_id"), r.caller(), null);
    assertEquals(204, revoked.status(), "the restarted B still knows its lease");
    assertFalse(r.stack.simulator().isTokenActive(onB.text("token")));
    assertEquals(200, step(r.a(), "approve", pending, "bob").status(), "the pending request");
    assertEquals(200, step(r.b(), "use", approved, "alice").status(), "the approved grant");
  }

  @Test
  void redisHoldsNoTokenAndNoSealedSecretInTheClear() throws Exception {
    Answer minted = r.mint(r.a());
    assertEquals(201, minted.status());
    String dump = String.join("\n", r.redis.dump());
    assertTrue(dump.contains(minted.text("lease_id")), "the lease is in Redis");
    assertFalse(dump.contains(minted.text("token")), "the token is sealed");
    assertFalse(dump.contains("ghs_"), "no installation token in the clear");
    assertFalse(dump.contains(Files.readString(r.stack.work().resolve("state-seal-key")).strip()));
  }

  private String requestGrant(URI replica) throws Exception {
    Answer a =
        r.call(
            replica,
            "POST",
            "/breakglass/requests",
            r.human("alice"),
            "{\"kind\":\"installation-token\",\"owner\":\"acme\","
                + "\"permissions\":{\"contents\":\"read\"},"
                + "\"justification\":\"INC-17 replicas test\",\"duration_minutes\":30}");
    assertEquals(201, a.status(), String.valueOf(a.body()));
    return a.text("id");
  }

  private Answer step(URI replica, String step, String id, String human) throws Exception {
    return r.call(
        replica,
        "POST",
        "/breakglass/requests/" + id + "/" + step,
        r.human(human),
        "{\"id\":\"" + id + "\"}");
  }

  private long creations(String name) {
    return r.stack.simulator().requests().stream()
        .filter(q -> q.method().equals("POST") && q.path().equals("/orgs/acme/repos"))
        .filter(q -> q.body() != null && q.body().contains("\"" + name + "\""))
        .count();
  }

  /** Both calls released at once from two threads; their answers in call order. */
  @SafeVarargs
  private static List<Answer> race(Callable<Answer>... calls) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(calls.length);
    try {
      java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
      List<Future<Answer>> futures = new ArrayList<>();
      for (Callable<Answer> c : calls) {
        futures.add(
            pool.submit(
                () -> {
                  go.await();
                  return c.call();
                }));
      }
      go.countDown();
      List<Answer> out = new ArrayList<>();
      for (Future<Answer> f : futures) {
        out.add(f.get());
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }
}
