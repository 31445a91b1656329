package dev.agentbroker.broker.breakglass;

import static dev.agentbroker.broker.BrokerTestEnv.bearer;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.broker.BrokerTestEnv;
import dev.agentbroker.broker.breakglass.signin.RedisSessions;
import dev.agentbroker.broker.breakglass.signin.Sessions;
import dev.agentbroker.broker.ratelimit.TestRedis;
import dev.agentbroker.broker.state.Sealer;
import dev.agentbroker.broker.state.SharedRedis;
import dev.agentbroker.tierb.breakglass.GrantState;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The running broker with {@code broker.state.store=redis}: grants and page sessions live in Redis
 * (not in the store file), where a second replica, here a store on its own Redis client, sees them.
 */
@QuarkusTest
@WithTestResource(RedisBreakGlassEnv.class)
class RedisBreakGlassApiTest {
  static Vertx vertx;
  static SharedRedis replica;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    replica = new SharedRedis(vertx, TestRedis.shared().url(), Duration.ofSeconds(10));
  }

  @AfterAll
  static void stop() {
    replica.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void grantsLiveInRedisWhereAnotherReplicaSeesEveryStep() throws Exception {
    RedisGrantStore other = new RedisGrantStore(replica, RedisBreakGlassEnv.prefix, 1000);
    String alice = bearer(BreakGlassTestEnv.human("alice"));
    String id = BreakGlassApiTest.request(BreakGlassTestEnv.human("alice"));
    assertEquals(GrantState.PENDING, other.get(id).orElseThrow().state());
    BreakGlassApiTest.approve(BreakGlassTestEnv.human("bob"), id).statusCode(200);
    assertEquals(GrantState.APPROVED, other.get(id).orElseThrow().state());
    String token =
        given()
            .header("Authorization", alice)
            .contentType("application/json")
            .body(BreakGlassApiTest.idBody(id))
            .post("/breakglass/requests/" + id + "/use")
            .then()
            .statusCode(200)
            .extract()
            .path("token.token");
    assertEquals(GrantState.USED, other.get(id).orElseThrow().state());
    assertFalse(dump().contains(token), "the token never reaches Redis");
    assertFalse(
        Files.exists(BrokerTestEnv.dir.resolve("breakglass.json")),
        "broker.breakglass.store-file is not used with the redis store");
  }

  @Test
  void aPageSessionIsValidOnAnotherReplicaAndHoldsNoSecretInTheClear() throws Exception {
    String session = new SsoFlow().signIn("alice");
    String csrf =
        given()
            .cookie(SsoFlow.SESSION, session)
            .get("/breakglass/session")
            .then()
            .statusCode(200)
            .body("signed_in", equalTo(true))
            .extract()
            .path("csrf_token");
    RedisSessions other =
        new RedisSessions(
            replica,
            new Sealer(RedisBreakGlassEnv.sealKey),
            RedisBreakGlassEnv.prefix,
            Clock.systemUTC(),
            Duration.ofMinutes(15),
            Duration.ofHours(8));
    Sessions.Session s = other.touch(session).orElseThrow();
    assertEquals("alice", s.human().subject());
    assertEquals(csrf, s.csrfToken());
    String dump = dump();
    assertTrue(dump.contains("bg:session:"), dump);
    assertFalse(dump.contains(session), "no cookie value in Redis");
    assertFalse(dump.contains(csrf), "no CSRF token in the clear");
    other.end(session);
    given()
        .cookie(SsoFlow.SESSION, session)
        .get("/breakglass/session")
        .then()
        .statusCode(200)
        .body("signed_in", equalTo(false));
  }

  @Test
  void withRedisDownEveryStepAndTheSessionAre503NeverSignedIn() throws Exception {
    String alice = BreakGlassTestEnv.human("alice");
    String id = BreakGlassApiTest.request(alice);
    String session = new SsoFlow().signIn("bob");
    RedisBreakGlassEnv.proxy.down();
    try {
      given()
          .cookie(SsoFlow.SESSION, session)
          .get("/breakglass/session")
          .then()
          .statusCode(503)
          .contentType("application/problem+json")
          .body("code", equalTo("state_unavailable"));
      BreakGlassApiTest.approve(BreakGlassTestEnv.human("bob"), id)
          .statusCode(503)
          .body("code", equalTo("state_unavailable"));
      given()
          .header("Authorization", bearer(alice))
          .get("/breakglass/requests")
          .then()
          .statusCode(503)
          .body("code", equalTo("state_unavailable"));
      given()
          .header("Authorization", bearer(alice))
          .contentType("application/json")
          .body(BreakGlassApiTest.TOKEN_REQUEST)
          .post("/breakglass/requests")
          .then()
          .statusCode(503)
          .body("code", equalTo("state_unavailable"));
    } finally {
      RedisBreakGlassEnv.proxy.up();
    }
    RedisGrantStore other = new RedisGrantStore(replica, RedisBreakGlassEnv.prefix, 1000);
    assertEquals(GrantState.PENDING, other.get(id).orElseThrow().state(), "nothing changed");
    BreakGlassApiTest.approve(BreakGlassTestEnv.human("bob"), id).statusCode(200);
    given()
        .cookie(SsoFlow.SESSION, session)
        .get("/breakglass/session")
        .then()
        .statusCode(200)
        .body("signed_in", equalTo(true));
  }

  /** Every key of this broker's prefix with its string value (sorted sets by member). */
  static String dump() throws Exception {
    StringBuilder out = new StringBuilder();
    for (Response k :
        replica.send(Request.cmd(Command.KEYS).arg(RedisBreakGlassEnv.prefix + "*"))) {
      String key = k.toString();
      String type = replica.send(Request.cmd(Command.TYPE).arg(key)).toString();
      Response v =
          switch (type) {
            case "string" -> replica.send(Request.cmd(Command.GET).arg(key));
            case "zset" -> replica.send(Request.cmd(Command.ZRANGE).arg(key).arg(0).arg(-1));
            case "hash" -> replica.send(Request.cmd(Command.HGETALL).arg(key));
            default -> replica.send(Request.cmd(Command.DUMP).arg(key));
          };
      out.append(key).append('=').append(v).append('\n');
    }
    return out.toString();
  }
}
