package dev.agentbroker.broker.breakglass;

import static dev.agentbroker.broker.BrokerTestEnv.bearer;
import static dev.agentbroker.broker.BrokerTestEnv.launcher;
import static dev.agentbroker.broker.breakglass.BreakGlassTestEnv.human;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.broker.BrokerTestEnv;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The break-glass HTTP contract. Time-based expiry is covered by Tier B's tests with a mutable
 * clock; here: who may call, the problem codes, single use, the page's headers and no secret in the
 * log, journal or store.
 */
@QuarkusTest
@WithTestResource(BreakGlassTestEnv.class)
class BreakGlassApiTest {
  static final String TOKEN_REQUEST =
      "{\"kind\":\"installation-token\",\"owner\":\"acme\","
          + "\"permissions\":{\"administration\":\"write\"},"
          + "\"justification\":\"INC-9001 api test\",\"duration_minutes\":30}";

  static RequestSpecification as(String jwt) {
    return given().header("Authorization", bearer(jwt));
  }

  static String idBody(String id) {
    return "{\"id\":\"" + id + "\"}";
  }

  static String request(String jwt) {
    return as(jwt)
        .contentType("application/json")
        .body(TOKEN_REQUEST)
        .post("/breakglass/requests")
        .then()
        .statusCode(201)
        .body("state", equalTo("pending"))
        .body("justification", equalTo("INC-9001 api test"))
        .extract()
        .path("id");
  }

  @Test
  void nonHumanCallersAreRefused() {
    String agent = launcher("agent-launcher");
    as(agent)
        .get("/breakglass/requests")
        .then()
        .statusCode(403)
        .contentType("application/problem+json")
        .body("code", equalTo("human_required"));
    as(agent)
        .contentType("application/json")
        .body(TOKEN_REQUEST)
        .post("/breakglass/requests")
        .then()
        .statusCode(403)
        .body("code", equalTo("human_required"));
    String id = request(human("alice"));
    as(agent)
        .contentType("application/json")
        .body(idBody(id))
        .post("/breakglass/requests/" + id + "/approve")
        .then()
        .statusCode(403)
        .body("code", equalTo("human_required"));
    given()
        .get("/breakglass/requests")
        .then()
        .statusCode(401)
        .body("code", equalTo("unauthenticated"));
  }

  @Test
  void requestApproveUseOnceOverHttp() throws Exception {
    List<String> secrets = new ArrayList<>();
    String alice = human("alice");
    String bob = human("bob");
    secrets.add(alice);
    secrets.add(bob);
    String id = request(alice);
    as(bob)
        .get("/breakglass/requests")
        .then()
        .statusCode(200)
        .header("Cache-Control", "no-store")
        .body("me.sub", equalTo("bob"))
        .body("open.id", hasItem(id));
    as(alice)
        .contentType("application/json")
        .body(idBody(id))
        .post("/breakglass/requests/" + id + "/approve")
        .then()
        .statusCode(403)
        .body("code", equalTo("self_approval_refused"));
    as(alice)
        .contentType("application/json")
        .body(idBody(id))
        .post("/breakglass/requests/" + id + "/use")
        .then()
        .statusCode(409)
        .body("code", equalTo("grant_not_approved"));
    as(bob)
        .contentType("application/json")
        .body(idBody(id))
        .post("/breakglass/requests/" + id + "/approve")
        .then()
        .statusCode(200)
        .body("state", equalTo("approved"))
        .body("decided_by.sub", equalTo("bob"));
    as(bob)
        .contentType("application/json")
        .body(idBody(id))
        .post("/breakglass/requests/" + id + "/use")
        .then()
        .statusCode(403)
        .body("code", equalTo("not_grant_requester"));
    String token =
        as(alice)
            .contentType("application/json")
            .body(idBody(id))
            .post("/breakglass/requests/" + id + "/use")
            .then()
            .statusCode(200)
            .header("Cache-Control", "no-store")
            .body("grant.state", equalTo("used"))
            .body("token.permissions.administration", equalTo("write"))
            .extract()
            .path("token.token");
    secrets.add(token);
    assertTrue(BrokerTestEnv.sim.isTokenActive(token));
    as(alice)
        .contentType("application/json")
        .body(idBody(id))
        .post("/breakglass/requests/" + id + "/use")
        .then()
        .statusCode(409)
        .body("code", equalTo("grant_already_used"));
    as(bob)
        .contentType("application/json")
        .body(idBody(id))
        .post("/breakglass/requests/" + id + "/approve")
        .then()
        .statusCode(409)
        .body("code", equalTo("not_pending"));
    as(bob)
        .get("/breakglass/requests")
        .then()
        .body("history.find { it.id == '" + id + "' }.state", equalTo("used"));
    assertNoSecretWritten(secrets);
  }

  @Test
  void denyAndBadInput() {
    String alice = human("alice");
    String bob = human("bob");
    String id = request(alice);
    as(bob)
        .contentType("application/json")
        .body("{\"id\":\"" + id + "\",\"reason\":\"use the runbook\"}")
        .post("/breakglass/requests/" + id + "/deny")
        .then()
        .statusCode(200)
        .body("state", equalTo("denied"))
        .body("note", equalTo("use the runbook"));
    as(alice)
        .contentType("application/json")
        .body(idBody(id))
        .post("/breakglass/requests/" + id + "/use")
        .then()
        .statusCode(409)
        .body("code", equalTo("grant_not_approved"));
    as(bob)
        .contentType("application/json")
        .body(idBody("bg-00000000-0000-0000-0000-000000000000"))
        .post("/breakglass/requests/bg-00000000-0000-0000-0000-000000000000/approve")
        .then()
        .statusCode(404)
        .body("code", equalTo("not_found"));
    as(bob).post("/breakglass/requests/../approve").then().statusCode(404);
    as(alice)
        .contentType("application/json")
        .body(
            "{\"kind\":\"installation-token\",\"owner\":\"acme\",\"permissions\":{\"contentz\":\"read\"},"
                + "\"justification\":\"x\",\"duration_minutes\":90}")
        .post("/breakglass/requests")
        .then()
        .statusCode(400)
        .body("code", equalTo("invalid_request"))
        .body("violations.field", hasItem("permissions.contentz"))
        .body("violations.field", hasItem("justification"))
        .body("violations.field", hasItem("duration_minutes"));
  }

  record BodyCase(String name, String type, String body, int status, String code) {}

  @Test
  void stateChangesRequireAJsonBodyNamingTheGrant() {
    String id = request(human("alice"));
    String other = "bg-00000000-0000-0000-0000-000000000000";
    List<BodyCase> cases =
        List.of(
            new BodyCase("no body", null, null, 415, "unsupported_media_type"),
            new BodyCase(
                "html form",
                "application/x-www-form-urlencoded",
                "id=" + id,
                415,
                "unsupported_media_type"),
            new BodyCase(
                "text/plain form", "text/plain", idBody(id), 415, "unsupported_media_type"),
            new BodyCase("empty object", "application/json", "{}", 400, "invalid_request"),
            new BodyCase("other grant", "application/json", idBody(other), 400, "invalid_request"),
            new BodyCase(
                "unknown member",
                "application/json",
                "{\"id\":\"" + id + "\",\"force\":true}",
                400,
                "invalid_request"),
            new BodyCase(
                "csrf_token with a bearer",
                "application/json",
                "{\"id\":\"" + id + "\",\"csrf_token\":\"x\"}",
                400,
                "invalid_request"));
    for (BodyCase c : cases) {
      for (String step : List.of("approve", "use")) {
        RequestSpecification r = as(human("bob"));
        if (c.type() != null) {
          r = r.contentType(c.type());
        }
        if (c.body() != null) {
          r = r.body(c.body());
        }
        r.post("/breakglass/requests/" + id + "/" + step)
            .then()
            .statusCode(c.status())
            .body("code", equalTo(c.code()));
      }
    }
    as(human("bob"))
        .get("/breakglass/requests")
        .then()
        .body("open.find { it.id == '" + id + "' }.state", equalTo("pending"));
  }

  @Test
  void samePersonThroughTwoHumanIssuersCannotApproveTheirOwnRequest() {
    String aliceBearer = human("alice");
    String aliceSso = BreakGlassTestEnv.sso.accessToken("alice", BrokerTestEnv.AUDIENCE);
    String id = request(aliceBearer);
    approve(aliceSso, id).statusCode(403).body("code", equalTo("self_approval_refused"));
    // Another account at the first issuer, same address in other letter case: same person.
    String aliceAgain =
        BreakGlassTestEnv.humanToken("a.smith", java.util.Map.of("email", "Alice@ACME.example"));
    approve(aliceAgain, id).statusCode(403).body("code", equalTo("self_approval_refused"));
    String id2 = request(aliceSso);
    approve(aliceBearer, id2).statusCode(403).body("code", equalTo("self_approval_refused"));
    approve(BreakGlassTestEnv.sso.accessToken("bob", BrokerTestEnv.AUDIENCE), id)
        .statusCode(200)
        .body("state", equalTo("approved"))
        .body("requester.person", equalTo("alice@acme.example"));
  }

  @Test
  void tokensWithoutTheIdentityClaimAreRefused() {
    as(BreakGlassTestEnv.humanToken("dave", java.util.Map.of()))
        .get("/breakglass/requests")
        .then()
        .statusCode(403)
        .body("code", equalTo("human_required"))
        .body("reason", equalTo("identity_claim_missing"));
  }

  @Test
  void swaggerUiIsNotServedOnTheSignedInOrigin() {
    given().get("/q/swagger-ui/").then().statusCode(404);
    given().get("/q/swagger-ui").then().statusCode(404);
    given().get("/q/openapi").then().statusCode(200);
  }

  static io.restassured.response.ValidatableResponse approve(String jwt, String id) {
    return as(jwt)
        .contentType("application/json")
        .body(idBody(id))
        .post("/breakglass/requests/" + id + "/approve")
        .then();
  }

  @Test
  void pageIsServedWithAStrictContentSecurityPolicy() {
    given()
        .get("/breakglass/")
        .then()
        .statusCode(200)
        .contentType(containsString("text/html"))
        .header("Content-Security-Policy", containsString("script-src 'self'"))
        .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
        .header("X-Content-Type-Options", "nosniff")
        .body(containsString("Break-glass"));
    given()
        .get("/breakglass/app.js")
        .then()
        .statusCode(200)
        .header("Content-Security-Policy", containsString("default-src 'none'"));
  }

  static void assertNoSecretWritten(List<String> secrets) throws Exception {
    List<Path> files = new ArrayList<>();
    files.add(BrokerTestEnv.logFile);
    files.add(BrokerTestEnv.dir.resolve("breakglass.json"));
    try (Stream<Path> j = Files.walk(BrokerTestEnv.dir.resolve("journal"))) {
      j.filter(Files::isRegularFile).forEach(files::add);
    }
    StringBuilder all = new StringBuilder();
    for (Path f : files) {
      all.append(Files.readString(f));
    }
    assertTrue(all.indexOf("breakglass.use") >= 0, "break-glass events were journaled");
    assertTrue(all.indexOf("\"severity\":\"high\"") >= 0, "with severity high");
    for (String s : secrets) {
      assertFalse(all.indexOf(s) >= 0, "secret leaked: " + s.substring(0, 8) + "…");
    }
  }
}
