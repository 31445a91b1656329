package dev.agentbroker.broker.state;

import static dev.agentbroker.broker.BrokerTestEnv.bearer;
import static dev.agentbroker.broker.BrokerTestEnv.launcher;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.broker.BrokerTestEnv;
import dev.agentbroker.broker.ratelimit.TestRedis;
import dev.agentbroker.tiera.Lease;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Leases in the shared Redis over HTTP: another replica sees (and so can revoke) a lease this one
 * issued, and with Redis gone a mint is refused with {@code 503 state_unavailable} after the token
 * GitHub issued is revoked, and a revocation is {@code 503 state_unavailable}, never 404.
 */
@QuarkusTest
@WithTestResource(RedisStateEnv.class)
class RedisLeaseApiTest {
  private static final String DOCS_READ =
      "{\"owner\":\"acme\",\"repositories\":[\"docs\"],\"permissions\":{\"contents\":\"read\"}}";
  private static Vertx vertx;
  private static SharedRedis direct;
  private static RedisLeaseStore otherReplica;

  @Inject SharedState state;
  @Inject dev.agentbroker.tiera.LeaseStore leases;

  @BeforeAll
  static void otherReplica() {
    vertx = Vertx.vertx();
    direct = new SharedRedis(vertx, TestRedis.shared().url(), Duration.ofSeconds(2));
    otherReplica =
        new RedisLeaseStore(
            direct, new Sealer(RedisStateEnv.sealKey), RedisStateEnv.prefix, Clock.systemUTC());
  }

  @AfterAll
  static void close() {
    direct.close();
    vertx.close();
  }

  private static Response mint() {
    return given()
        .header("Authorization", bearer(launcher("agent-launcher")))
        .contentType("application/json")
        .body(DOCS_READ)
        .post("/token");
  }

  private static Response revoke(String leaseId) {
    return given()
        .header("Authorization", bearer(launcher("agent-launcher")))
        .delete("/token/" + leaseId);
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
  void aMintCostsOneRedisRoundTripOfTheStateClientAndARevocationTwo() {
    // The break-glass expiry sweep shares the client and may run during one call: the fewest
    // round trips seen over a few calls is the call's own cost (never fewer, asserted each time).
    long mintTrips = Long.MAX_VALUE;
    long revokeTrips = Long.MAX_VALUE;
    for (int i = 0; i < 5 && (mintTrips != 1 || revokeTrips != 2); i++) {
      long before = state.redis().roundTrips();
      String leaseId = mint().then().statusCode(201).extract().jsonPath().getString("lease_id");
      long mint = state.redis().roundTrips() - before;
      assertTrue(mint >= 1, "a mint writes its lease: " + mint);
      mintTrips = Math.min(mintTrips, mint);
      before = state.redis().roundTrips();
      revoke(leaseId).then().statusCode(204);
      long revoke = state.redis().roundTrips() - before;
      assertTrue(revoke >= 2, "a revoke reads and claims its lease: " + revoke);
      revokeTrips = Math.min(revokeTrips, revoke);
    }
    assertEquals(1, mintTrips, "mint: the lease's SET");
    assertEquals(2, revokeTrips, "revoke: GET, then the claim script");
  }

  @Test
  void idempotencyRecordsGoThroughTheSharedStateClient() throws Exception {
    String body = "{\"owner\":\"acme\",\"repo\":\"svc-a\",\"team\":\"platform\"}";
    long before = state.redis().roundTrips();
    Response first =
        given()
            .header("Authorization", bearer(launcher("agent-launcher")))
            .header("Idempotency-Key", "idem-state-1")
            .contentType("application/json")
            .body(body)
            .post("/verbs/grant-team-access");
    assertTrue(state.redis().roundTrips() - before >= 2, "claim and answer on the state client");
    given()
        .header("Authorization", bearer(launcher("agent-launcher")))
        .header("Idempotency-Key", "idem-state-1")
        .contentType("application/json")
        .body(body)
        .post("/verbs/grant-team-access")
        .then()
        .statusCode(first.statusCode())
        .header("Idempotent-Replayed", "true");
    io.vertx.redis.client.Response keys =
        direct.send(
            io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.KEYS)
                .arg(RedisStateEnv.prefix + "rl:idem:*"));
    assertEquals(1, keys.size(), "under the rate limiter's prefix, as before");
  }

  @Test
  void aLeaseIssuedHereIsVisibleToAnotherReplicaAndRevocable() throws Exception {
    JsonPath issued = mint().then().statusCode(201).extract().jsonPath();
    String token = issued.getString("token");
    String leaseId = issued.getString("lease_id");
    Lease seen = otherReplica.get(leaseId).orElseThrow();
    assertEquals(token, seen.token(), "the other replica opens the sealed token");
    revoke(leaseId).then().statusCode(204);
    assertFalse(BrokerTestEnv.sim.isTokenActive(token));
    assertTrue(otherReplica.get(leaseId).isEmpty(), "gone for every replica");
    revoke(leaseId).then().statusCode(404).body("code", equalTo("not_found"));
  }

  @Test
  void redisDownFailsClosedOnMintAndRevokeThenRecovers() throws Exception {
    JsonPath before = mint().then().statusCode(201).extract().jsonPath();
    String liveLease = before.getString("lease_id");
    int issued = BrokerTestEnv.sim.issuedTokenCount();
    int active = BrokerTestEnv.sim.activeTokenCount();
    RedisStateEnv.proxy.down();
    try {
      mint()
          .then()
          .statusCode(503)
          .contentType("application/problem+json")
          .body("code", equalTo("state_unavailable"))
          .body("reason", equalTo("state_unavailable"))
          .body("token", org.hamcrest.Matchers.nullValue());
      assertEquals(issued + 1, BrokerTestEnv.sim.issuedTokenCount(), "GitHub issued one");
      assertEquals(active, BrokerTestEnv.sim.activeTokenCount(), "and it was revoked at once");
      revoke(liveLease)
          .then()
          .statusCode(503)
          .body("code", equalTo("state_unavailable"))
          .body("reason", equalTo("state_unavailable"));
      assertTrue(BrokerTestEnv.sim.isTokenActive(before.getString("token")), "not revoked yet");
      given().get("/q/health/ready").then().statusCode(503);
    } finally {
      RedisStateEnv.proxy.up();
    }
    String journal = journal();
    assertTrue(journal.contains("\"reason\":\"state_unavailable\""), "the failure is journaled");
    assertTrue(journal.contains("\"token_revoked\":\"true\""), journal);
    // Back: the lease kept through the outage is revoked now.
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> revoke(liveLease).statusCode() == 204);
    assertFalse(BrokerTestEnv.sim.isTokenActive(before.getString("token")));
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body(containsString("\"state_redis_maxmemory_policy\": \"noeviction\""));
    // What broker_state_failures_total{store="leases"} reads. Asked of the store itself: within one
    // test JVM Quarkus keeps the meter registry across test applications, so a meter of that name
    // may still point at an earlier application's store.
    double failures = ((RedisLeaseStore) leases).failures();
    assertTrue(failures >= 2, "the mint and the revoke that failed are counted: " + failures);
  }
}
