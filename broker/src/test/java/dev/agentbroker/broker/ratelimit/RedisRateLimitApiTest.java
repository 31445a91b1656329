package dev.agentbroker.broker.ratelimit;

import static dev.agentbroker.broker.BrokerTestEnv.bearer;
import static dev.agentbroker.broker.BrokerTestEnv.launcher;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.broker.BrokerTestEnv;
import dev.agentbroker.request.admission.RateDecision;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Tier A and Tier B rate limits with the shared Redis store, over HTTP. */
@QuarkusTest
@WithTestResource(RedisRateLimitEnv.class)
class RedisRateLimitApiTest {
  private static final String DOCS_READ =
      "{\"owner\":\"acme\",\"repositories\":[\"docs\"],\"permissions\":{\"contents\":\"read\"}}";

  private static Response mint(String subject) {
    return given()
        .header("Authorization", bearer(launcher(subject)))
        .contentType("application/json")
        .body(DOCS_READ)
        .post("/token");
  }

  private static Response verb(String verb, String body) {
    return given()
        .header("Authorization", bearer(launcher("agent-launcher")))
        .contentType("application/json")
        .body(body)
        .post("/verbs/" + verb);
  }

  private static String journal() throws Exception {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> s = Files.list(BrokerTestEnv.dir.resolve("journal"))) {
      for (Path p : s.sorted().toList()) {
        all.append(Files.readString(p));
      }
    }
    return all.toString();
  }

  @Test
  void tokenBudgetSpentThen429WithHeadersAndJournaled() throws Exception {
    for (int left = 2; left >= 0; left--) {
      mint("other-launcher")
          .then()
          .statusCode(201)
          .header("RateLimit-Limit", "3")
          .header("RateLimit-Remaining", Integer.toString(left));
    }
    int githubMints = BrokerTestEnv.sim.mintRequests().size();
    Response refused = mint("other-launcher");
    refused
        .then()
        .statusCode(429)
        .contentType("application/problem+json")
        .body("code", equalTo("rate_limited"))
        .body("reason", equalTo("rate_limited"))
        .header("RateLimit-Limit", "3")
        .header("RateLimit-Remaining", "0");
    long retry = Long.parseLong(refused.header("Retry-After"));
    assertTrue(retry > 1100 && retry <= 1200, "3/hour: next unit within 20 min, got " + retry);
    assertEquals(githubMints, BrokerTestEnv.sim.mintRequests().size(), "GitHub not called");
    String journal = journal();
    assertTrue(
        journal.contains(
            "\"outcome\":\"denied\",\"reason\":\"rate_limited\",\"rule_id\":\"ratelimit/token\""),
        "refusal journaled");
    // Another replica sharing the Redis sees the same, spent budget.
    Vertx vertx = Vertx.vertx();
    try (RedisRateLimiter replica =
        new RedisRateLimiter(
            vertx,
            TestRedis.shared().url(),
            Duration.ofSeconds(2),
            RedisRateLimitEnv.prefix,
            Clock.systemUTC())) {
      RateDecision d = replica.acquire("token|other-launcher", 3, Duration.ofHours(1));
      assertFalse(d.allowed());
    } finally {
      vertx.close();
    }
  }

  @Test
  void verbLimitFromThePolicyIsEnforcedInRedis() {
    for (String name : new String[] {"rl-one", "rl-two", "rl-three"}) {
      verb("create-repo", "{\"owner\":\"acme\",\"name\":\"" + name + "\"}")
          .then()
          .statusCode(201)
          .header("RateLimit-Limit", "3");
    }
    Response refused = verb("create-repo", "{\"owner\":\"acme\",\"name\":\"rl-four\"}");
    refused
        .then()
        .statusCode(429)
        .contentType("application/problem+json")
        .body("code", equalTo("rate_limited"))
        .header("RateLimit-Remaining", "0");
    assertTrue(Long.parseLong(refused.header("Retry-After")) > 1100);
    assertFalse(BrokerTestEnv.sim.repositoryExists("acme", "rl-four"));
  }

  @Test
  void idempotencyRecordsLiveInTheSharedRedisScopedToTheCaller() {
    String body = "{\"owner\":\"acme\",\"repo\":\"svc-a\",\"team\":\"platform\"}";
    Response first =
        given()
            .header("Authorization", bearer(launcher("agent-launcher")))
            .header("Idempotency-Key", "idem-redis-1")
            .contentType("application/json")
            .body(body)
            .post("/verbs/grant-team-access");
    Vertx vertx = Vertx.vertx();
    // What another replica sees: a store of its own on the same Redis and prefix.
    try (RedisIdempotencyStore replica =
        new RedisIdempotencyStore(
            vertx,
            TestRedis.shared().url(),
            Duration.ofSeconds(2),
            RedisRateLimitEnv.prefix,
            Duration.ofHours(1))) {
      String key =
          dev.agentbroker.tierb.IdempotencyStore.scopedKey(
              BrokerTestEnv.LAUNCHER_ISS, "agent-launcher", "grant-team-access", "idem-redis-1");
      assertEquals(first.statusCode(), replica.peek(key).orElseThrow().status());
      String someoneElse =
          dev.agentbroker.tierb.IdempotencyStore.scopedKey(
              BrokerTestEnv.LAUNCHER_ISS, "other-launcher", "grant-team-access", "idem-redis-1");
      assertTrue(replica.peek(someoneElse).isEmpty(), "no record under another caller");
    } finally {
      vertx.close();
    }
    given()
        .header("Authorization", bearer(launcher("agent-launcher")))
        .header("Idempotency-Key", "idem-redis-1")
        .contentType("application/json")
        .body(body)
        .post("/verbs/grant-team-access")
        .then()
        .statusCode(first.statusCode())
        .header("Idempotent-Replayed", "true");
  }

  @Test
  void redisDownFailsClosedForBothTiersThenRecovers() {
    int githubMints = BrokerTestEnv.sim.mintRequests().size();
    RedisRateLimitEnv.proxy.down();
    try {
      mint("agent-launcher")
          .then()
          .statusCode(503)
          .body("code", equalTo("rate_limiter_unavailable"))
          .header("Retry-After", "5");
      verb("grant-team-access", "{\"owner\":\"acme\",\"repo\":\"svc-a\",\"team\":\"platform\"}")
          .then()
          .statusCode(503)
          .body("code", equalTo("rate_limiter_unavailable"));
      assertEquals(githubMints, BrokerTestEnv.sim.mintRequests().size(), "nothing minted");
    } finally {
      RedisRateLimitEnv.proxy.up();
    }
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> mint("agent-launcher").statusCode() == 201);
    given()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(containsString("broker_ratelimit_store_failures_total{store=\"redis\"}"))
        .body(
            containsString(
                "broker_ratelimit_decisions_total{result=\"unavailable\",scope=\"token\"}"));
  }
}
