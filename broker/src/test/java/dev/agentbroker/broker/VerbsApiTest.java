package dev.agentbroker.broker;

import static dev.agentbroker.broker.BrokerTestEnv.bearer;
import static dev.agentbroker.broker.BrokerTestEnv.launcher;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Tier B over HTTP through the GitHub simulator. */
@QuarkusTest
@WithTestResource(BrokerTestEnv.class)
class VerbsApiTest {

  private static RequestSpecification asLauncher() {
    return given().header("Authorization", bearer(launcher("agent-launcher")));
  }

  @Test
  void catalogListsTheFourVerbsWithSchemas() {
    asLauncher()
        .get("/verbs")
        .then()
        .statusCode(200)
        .body(
            "verbs.name",
            hasItems(
                "create-repo", "set-repo-metadata", "grant-team-access", "apply-branch-protection"))
        .body("verbs[0].schema.additionalProperties", equalTo(false))
        .body("verbs[0].jit_permissions.administration", equalTo("write"));
  }

  @Test
  void dryRunThenCreateThenIdempotentReplay() {
    int before = BrokerTestEnv.sim.requests().size();
    asLauncher()
        .contentType("application/json")
        .body("{\"owner\":\"acme\",\"name\":\"api-made\",\"dry_run\":true}")
        .post("/verbs/create-repo")
        .then()
        .statusCode(200)
        .body("plan[0].path", equalTo("/orgs/acme/repos"));
    assertEquals(before, BrokerTestEnv.sim.requests().size(), "dry run calls nothing");
    asLauncher()
        .header("Idempotency-Key", "create-api-made-1")
        .contentType("application/json")
        .body("{\"owner\":\"acme\",\"name\":\"api-made\"}")
        .post("/verbs/create-repo")
        .then()
        .statusCode(201)
        .header("RateLimit-Remaining", notNullValue())
        .body("status", equalTo("completed"));
    asLauncher()
        .header("Idempotency-Key", "create-api-made-1")
        .contentType("application/json")
        .body("{\"owner\":\"acme\",\"name\":\"api-made\"}")
        .post("/verbs/create-repo")
        .then()
        .statusCode(201)
        .header("Idempotent-Replayed", "true");
    assertTrue(BrokerTestEnv.sim.repositoryExists("acme", "api-made"));
    long creates =
        BrokerTestEnv.sim.requests().stream()
            .filter(r -> r.path().equals("/orgs/acme/repos"))
            .count();
    assertEquals(1, creates);
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of(
            "delete-repo is absent",
            "delete-repo",
            "{\"owner\":\"acme\",\"repo\":\"svc-a\"}",
            null,
            404,
            "not_found"),
        Arguments.of(
            "remove-member is absent",
            "remove-member",
            "{\"owner\":\"acme\"}",
            null,
            404,
            "not_found"),
        Arguments.of("bad JSON", "create-repo", "{\"owner\":", null, 400, "invalid_request"),
        Arguments.of(
            "duplicate key",
            "create-repo",
            "{\"owner\":\"acme\",\"owner\":\"x\",\"name\":\"abc\"}",
            null,
            400,
            "invalid_request"),
        Arguments.of(
            "unknown field",
            "create-repo",
            "{\"owner\":\"acme\",\"name\":\"abc\",\"admin\":true}",
            null,
            400,
            "invalid_request"),
        Arguments.of(
            "public visibility",
            "create-repo",
            "{\"owner\":\"acme\",\"name\":\"abc\",\"visibility\":\"public\"}",
            null,
            400,
            "invalid_request"),
        Arguments.of(
            "too long name",
            "create-repo",
            "{\"owner\":\"acme\",\"name\":\"" + "a".repeat(101) + "\"}",
            null,
            400,
            "invalid_request"),
        Arguments.of(
            "wrong owner",
            "create-repo",
            "{\"owner\":\"octocat\",\"name\":\"abc\"}",
            null,
            403,
            "policy_denied"),
        Arguments.of(
            "name outside the policy pattern",
            "create-repo",
            "{\"owner\":\"acme\",\"name\":\"ab.c\"}",
            null,
            403,
            "policy_denied"),
        Arguments.of(
            "verb not granted",
            "apply-branch-protection",
            "{\"owner\":\"acme\",\"repo\":\"svc-a\"}",
            null,
            403,
            "policy_denied"),
        Arguments.of(
            "team outside the policy",
            "grant-team-access",
            "{\"owner\":\"acme\",\"repo\":\"svc-a\",\"team\":\"security\"}",
            null,
            403,
            "policy_denied"),
        Arguments.of(
            "bad idempotency key",
            "create-repo",
            "{\"owner\":\"acme\",\"name\":\"abc\"}",
            "has spaces",
            400,
            "invalid_request"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformedCallsAreRefusedAndNothingIsMinted(
      String name, String verb, String body, String key, int status, String code) {
    int mints = BrokerTestEnv.sim.mintRequests().size();
    RequestSpecification r = asLauncher().contentType("application/json").body(body);
    if (key != null) {
      r = r.header("Idempotency-Key", key);
    }
    r.post("/verbs/" + verb)
        .then()
        .statusCode(status)
        .contentType("application/problem+json")
        .body("code", equalTo(code));
    assertEquals(mints, BrokerTestEnv.sim.mintRequests().size());
  }

  @Test
  void unauthenticatedCallersGet401() {
    given()
        .contentType("application/json")
        .body("{\"owner\":\"acme\",\"name\":\"abc\"}")
        .post("/verbs/create-repo")
        .then()
        .statusCode(401)
        .body("code", equalTo("unauthenticated"));
    given().get("/verbs").then().statusCode(401);
  }
}
