package dev.agentbroker.broker;

import static dev.agentbroker.broker.BrokerTestEnv.bearer;
import static dev.agentbroker.broker.BrokerTestEnv.launcher;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.testkit.CallerTokens;
import dev.agentbroker.testkit.github.MintRequest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tier A over HTTP, end to end through the GitHub simulator. */
@QuarkusTest
@WithTestResource(BrokerTestEnv.class)
class TokenApiTest {
  static final String BODY =
      "{\"owner\":\"acme\",\"repositories\":[\"svc-a\"],"
          + "\"permissions\":{\"contents\":\"write\",\"pull_requests\":\"write\"}}";

  @AfterEach
  void clearFaults() {
    BrokerTestEnv.sim.faults().clear();
  }

  private static Response mint(String jwt, String body) {
    return given()
        .header("Authorization", bearer(jwt))
        .contentType("application/json")
        .body(body)
        .post("/token");
  }

  @Test
  void mintsADownScopedTokenThatDiesInAnHour() {
    int before = BrokerTestEnv.sim.mintRequests().size();
    Response r = mint(launcher("agent-launcher"), BODY);
    r.then()
        .statusCode(201)
        .header("Cache-Control", "no-store")
        .body("token", notNullValue())
        .body("lease_id", notNullValue())
        .body("repositories", equalTo(List.of("svc-a")))
        .body("permissions.contents", equalTo("write"));
    String token = r.path("token");
    assertTrue(
        token.length() > 500 && token.chars().filter(c -> c == '.').count() == 2,
        "GitHub's stateless ghs_<appId>_<JWT> token passes through whole: " + token.length());
    Instant expires = Instant.parse(r.path("expires_at"));
    assertTrue(expires.isBefore(Instant.now().plusSeconds(3601)));
    assertTrue(BrokerTestEnv.sim.isTokenActive(token));
    MintRequest m = BrokerTestEnv.sim.mintRequests().get(before);
    assertEquals(List.of("svc-a"), m.repositories());
    assertEquals(Map.of("contents", "write", "pull_requests", "write"), m.permissions());
    assertFalse(m.widening());
  }

  @Test
  void ciCallerWithEs256AndMatchingClaimsGetsReadToken() {
    Instant now = Instant.now();
    String jwt =
        CallerTokens.es256(BrokerTestEnv.CI_ISS, BrokerTestEnv.ciKey.getPrivate())
            .subject("repo:acme/release-tools:ref:refs/heads/main")
            .audience(BrokerTestEnv.AUDIENCE)
            .claim("repository", "acme/release-tools")
            .claim("ref", "refs/heads/main")
            .issuedAt(now)
            .expiresAt(now.plusSeconds(300))
            .sign();
    mint(
            jwt,
            "{\"owner\":\"acme\",\"repositories\":[\"svc-b\",\"docs\"],\"permissions\":{\"contents\":\"read\"}}")
        .then()
        .statusCode(201);
    String wrongRef =
        CallerTokens.es256(BrokerTestEnv.CI_ISS, BrokerTestEnv.ciKey.getPrivate())
            .subject("repo:acme/release-tools:ref:refs/heads/feature")
            .audience(BrokerTestEnv.AUDIENCE)
            .claim("repository", "acme/release-tools")
            .claim("ref", "refs/heads/feature")
            .issuedAt(now)
            .expiresAt(now.plusSeconds(300))
            .sign();
    mint(
            wrongRef,
            "{\"owner\":\"acme\",\"repositories\":[\"docs\"],\"permissions\":{\"contents\":\"read\"}}")
        .then()
        .statusCode(403)
        .body("code", equalTo("policy_denied"))
        .body("reason", equalTo("no_matching_identity"));
  }

  @Test
  void explainShowsTheDecisionAndMintsNothing() {
    int before = BrokerTestEnv.sim.mintRequests().size();
    given()
        .header("Authorization", bearer(launcher("agent-launcher")))
        .contentType("application/json")
        .body(BODY)
        .post("/token/explain")
        .then()
        .statusCode(200)
        .body("decision", equalTo("allowed"))
        .body("identity_id", equalTo("agent-launcher"))
        .body("profile", equalTo("autonomous"))
        .body("scope.repositories", equalTo(List.of("svc-a")))
        .body("scope.permissions.contents", equalTo("write"));
    given()
        .header("Authorization", bearer(launcher("agent-launcher")))
        .contentType("application/json")
        .body(
            "{\"owner\":\"acme\",\"repositories\":[\"svc-a\",\"svc-b\"],\"permissions\":{\"contents\":\"write\"}}")
        .post("/token/explain")
        .then()
        .statusCode(200)
        .body("decision", equalTo("denied"))
        .body("reason", equalTo("too_many_repositories"))
        .body("rule_id", containsString("agent-launcher"));
    assertEquals(before, BrokerTestEnv.sim.mintRequests().size());
  }

  @Test
  void revokeEarlyOnlyByTheMintingIdentity() {
    Response r = mint(launcher("agent-launcher"), BODY);
    String lease = r.path("lease_id");
    String token = r.path("token");
    given()
        .header("Authorization", bearer(launcher("other-launcher")))
        .delete("/token/" + lease)
        .then()
        .statusCode(404)
        .body("code", equalTo("not_found"));
    assertTrue(BrokerTestEnv.sim.isTokenActive(token));
    given()
        .header("Authorization", bearer(launcher("agent-launcher")))
        .delete("/token/" + lease)
        .then()
        .statusCode(204);
    assertFalse(BrokerTestEnv.sim.isTokenActive(token));
    given()
        .header("Authorization", bearer(launcher("agent-launcher")))
        .delete("/token/" + lease)
        .then()
        .statusCode(404);
  }

  @Test
  void gitHubOutageIs503WithRetryAfterAndNothingIssued() {
    BrokerTestEnv.sim.faults().failNext(5, 502);
    mint(launcher("agent-launcher"), BODY)
        .then()
        .statusCode(503)
        .contentType("application/problem+json")
        .header("Retry-After", notNullValue())
        .body("code", equalTo("upstream_unavailable"));
  }

  @Test
  void gitHubSecondaryRateLimitIs503WithItsRetryAfter() {
    BrokerTestEnv.sim.faults().secondaryRateLimitNext(1, 37);
    mint(launcher("agent-launcher"), BODY)
        .then()
        .statusCode(503)
        .header("Retry-After", "37")
        .body("code", equalTo("upstream_rate_limited"));
  }

  @Test
  void gitHubScopeRejectionCarriesGitHubsReason() {
    mint(
            launcher("agent-launcher"),
            "{\"owner\":\"acme\",\"repositories\":[\"svc-nope\"],\"permissions\":{\"contents\":\"read\"}}")
        .then()
        .statusCode(403)
        .body("code", equalTo("github_rejected"))
        .body("detail", containsString("not accessible to the parent installation"));
  }

  @Test
  void requestIdIsEchoedAndInProblems() {
    given()
        .header("X-Request-Id", "abc-123")
        .contentType("application/json")
        .body(BODY)
        .post("/token")
        .then()
        .statusCode(401)
        .header("X-Request-Id", "abc-123")
        .header("WWW-Authenticate", "Bearer")
        .body("instance", equalTo("urn:agent-broker:request:abc-123"));
  }

  @Test
  void healthMetricsAndOpenApiAreServed() {
    mint(launcher("agent-launcher"), BODY).then().statusCode(201);
    given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    given()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(containsString("broker_token_mints_total{reason=\"allowed\",result=\"issued\"}"))
        .body(containsString("broker_token_mint_latency_seconds_bucket"))
        .body(containsString("broker_github_ratelimit_remaining"));
    given()
        .get("/q/openapi?format=json")
        .then()
        .statusCode(200)
        .body("paths.keySet()", hasItem("/token"));
  }
}
