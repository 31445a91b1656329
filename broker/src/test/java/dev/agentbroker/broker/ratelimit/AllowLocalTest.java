package dev.agentbroker.broker.ratelimit;

import static dev.agentbroker.broker.BrokerTestEnv.bearer;
import static dev.agentbroker.broker.BrokerTestEnv.launcher;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.broker.BrokerTestEnv;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code tier-a-on-store-failure=allow-local} with Redis unreachable from the start: the broker
 * starts, Tier A enforces the budget per replica, Tier B still fails closed, and the Redis password
 * never reaches the log.
 */
@QuarkusTest
@WithTestResource(AllowLocalTest.UnreachableRedis.class)
class AllowLocalTest {
  static final String PASSWORD = "pw-must-not-leak-7f3a";

  /** Redis on a port nothing listens on. */
  public static class UnreachableRedis extends BrokerTestEnv {
    @Override
    public Map<String, String> start() {
      Map<String, String> c = new HashMap<>(super.start());
      c.put("broker.ratelimit.store", "redis");
      c.put(
          "broker.ratelimit.redis-url",
          "redis://:" + PASSWORD + "@127.0.0.1:" + TestRedis.freePort());
      c.put("broker.ratelimit.token-requests", "2/hour");
      c.put("broker.ratelimit.tier-a-on-store-failure", "allow-local");
      return c;
    }
  }

  private static Response mint() {
    return given()
        .header("Authorization", bearer(launcher("other-launcher")))
        .contentType("application/json")
        .body(
            "{\"owner\":\"acme\",\"repositories\":[\"docs\"],\"permissions\":{\"contents\":\"read\"}}")
        .post("/token");
  }

  @Test
  void tierAFallsBackToLocalLimitsTierBFailsClosed() throws Exception {
    mint().then().statusCode(201).header("RateLimit-Limit", "2").header("RateLimit-Remaining", "1");
    mint().then().statusCode(201).header("RateLimit-Remaining", "0");
    mint()
        .then()
        .statusCode(429)
        .body("code", equalTo("rate_limited"))
        .header("RateLimit-Remaining", "0");
    given()
        .header("Authorization", bearer(launcher("agent-launcher")))
        .contentType("application/json")
        .body("{\"owner\":\"acme\",\"name\":\"never-made\"}")
        .post("/verbs/create-repo")
        .then()
        .statusCode(503)
        .body("code", equalTo("rate_limiter_unavailable"));
    assertFalse(BrokerTestEnv.sim.repositoryExists("acme", "never-made"));
    String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
    Matcher m =
        Pattern.compile("broker_ratelimit_local_fallbacks_total(\\{[^}]*\\})? ([0-9.]+)")
            .matcher(metrics);
    assertTrue(m.find() && Double.parseDouble(m.group(2)) >= 3, "fallbacks counted");
    String log = Files.readString(BrokerTestEnv.logFile);
    assertTrue(log.contains("rate-limit store unavailable") || log.contains("does not answer"));
    assertFalse(log.contains(PASSWORD), "Redis password in the log");
  }
}
