package dev.agentbroker.testkit.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** GET/PUT branch protection: replace semantics, 404s, permission checks, GET's shape. */
class BranchProtectionTest extends SimulatorHarness {
  static final String ADMIN =
      "{\"repositories\":[\"svc-a\"],\"permissions\":{\"administration\":\"write\"}}";
  static final String PATH = "/repos/acme/svc-a/branches/main/protection";
  static final String STRONG =
      """
      {"required_status_checks": {"strict": true, "contexts": [],
         "checks": [{"context": "A", "app_id": 7}, {"context": "B"}]},
       "enforce_admins": false,
       "required_pull_request_reviews": {"required_approving_review_count": 2,
         "require_code_owner_reviews": true},
       "restrictions": {"users": ["octocat"], "teams": ["platform"], "apps": []},
       "allow_force_pushes": true}
      """;
  static final String MINIMAL =
      "{\"required_status_checks\":null,\"enforce_admins\":null,"
          + "\"required_pull_request_reviews\":null,\"restrictions\":null}";

  String token() {
    return "token " + mintToken(ACME, ADMIN);
  }

  @Test
  void unprotectedBranchIs404AndPutReplacesTheWholeSetting() {
    String t = token();
    HttpResponse<String> none = get(PATH, t);
    assertEquals(404, none.statusCode());
    assertEquals("Branch not protected", message(none));

    HttpResponse<String> put = send("PUT", PATH, t, STRONG);
    assertEquals(200, put.statusCode(), put.body());
    JsonNode got = json(get(PATH, t));
    assertEquals(json(put), got, "PUT answers in GET's shape");
    assertEquals(
        2, got.at("/required_pull_request_reviews/required_approving_review_count").asInt());
    assertEquals("A", got.at("/required_status_checks/checks/0/context").asText());
    assertEquals(7, got.at("/required_status_checks/checks/0/app_id").asInt());
    assertTrue(got.at("/required_status_checks/checks/1/app_id").isNull());
    assertEquals("octocat", got.at("/restrictions/users/0/login").asText());
    assertEquals("platform", got.at("/restrictions/teams/0/slug").asText());
    assertFalse(got.at("/enforce_admins/enabled").asBoolean());
    assertTrue(got.at("/allow_force_pushes/enabled").asBoolean());

    // Replace, not merge: what the second PUT leaves out is gone.
    assertEquals(200, send("PUT", PATH, t, MINIMAL).statusCode());
    JsonNode after = json(get(PATH, t));
    assertTrue(after.path("required_status_checks").isMissingNode());
    assertTrue(after.path("restrictions").isMissingNode());
    assertTrue(after.path("required_pull_request_reviews").isMissingNode());
    assertFalse(after.at("/allow_force_pushes/enabled").asBoolean());
  }

  @Test
  void branchesSpanSegmentsAndUnknownBranchesAre404() {
    String t = token();
    HttpResponse<String> unknown =
        send("PUT", "/repos/acme/svc-a/branches/release/v1/protection", t, MINIMAL);
    assertEquals(404, unknown.statusCode());
    assertEquals("Branch not found", message(unknown));
    sim.addBranch("acme", "svc-a", "release/v1");
    assertEquals(
        200,
        send("PUT", "/repos/acme/svc-a/branches/release%2Fv1/protection", t, MINIMAL).statusCode());
    assertTrue(sim.branchProtection("acme", "svc-a", "release/v1").isPresent());
    assertEquals(200, get("/repos/acme/svc-a/branches/release/v1/protection", t).statusCode());
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of("no token", null, "GET", MINIMAL, 401),
        Arguments.of(
            "contents only",
            "{\"repositories\":[\"svc-a\"],\"permissions\":{\"contents\":\"write\"}}",
            "GET",
            null,
            403),
        Arguments.of(
            "administration read cannot PUT",
            "{\"repositories\":[\"svc-a\"],\"permissions\":{\"administration\":\"read\"}}",
            "PUT",
            MINIMAL,
            403),
        Arguments.of(
            "token for another repository",
            "{\"repositories\":[\"svc-b\"],\"permissions\":{\"administration\":\"write\"}}",
            "PUT",
            MINIMAL,
            404),
        Arguments.of(
            "missing restrictions",
            ADMIN,
            "PUT",
            "{\"required_status_checks\":null,"
                + "\"enforce_admins\":true,\"required_pull_request_reviews\":null}",
            422),
        Arguments.of(
            "checks without contexts",
            ADMIN,
            "PUT",
            MINIMAL.replace(
                "\"required_status_checks\":null", "\"required_status_checks\":{\"strict\":true}"),
            422),
        Arguments.of(
            "seven reviews",
            ADMIN,
            "PUT",
            MINIMAL.replace(
                "\"required_pull_request_reviews\":null",
                "\"required_pull_request_reviews\":{\"required_approving_review_count\":7}"),
            422),
        Arguments.of(
            "unknown team",
            ADMIN,
            "PUT",
            MINIMAL.replace(
                "\"restrictions\":null", "\"restrictions\":{\"users\":[],\"teams\":[\"ghosts\"]}"),
            422));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusesLikeGitHub(String name, String mint, String method, String body, int status) {
    String auth = mint == null ? null : "token " + mintToken(ACME, mint);
    assertEquals(status, send(method, PATH, auth, body).statusCode());
    assertTrue(sim.branchProtection("acme", "svc-a", "main").isEmpty(), "nothing stored");
  }

  @Test
  void fixtureHelperAppliesThePutRules() {
    sim.protectBranch("acme", "svc-a", "main", STRONG);
    assertTrue(sim.branchProtection("acme", "svc-a", "main").orElseThrow().contains("octocat"));
    assertThrows(
        IllegalArgumentException.class,
        () -> sim.protectBranch("acme", "svc-a", "main", "{\"enforce_admins\":true}"));
  }
}
