package dev.agentbroker.testkit.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * GitHub's 2026 token formats: stateless {@code ghs_<appId>_<JWT>} by default (as GitHub issues
 * them since the mid-2026 rollout), classic 40-character ones on request, and GitHub's per-request
 * override header honoured exactly as documented (only {@code enabled}/{@code disabled} count).
 */
class TokenFormatTest extends SimulatorHarness {
  private static final String BODY =
      "{\"repositories\":[\"docs\"],\"permissions\":{\"contents\":\"read\"}}";

  enum Case {
    DEFAULT(true, null, true),
    HEADER_DISABLED(true, "disabled", false),
    HEADER_OTHER_VALUE_IGNORED(true, "false", true),
    HEADER_CASE_MATTERS(true, "Disabled", true),
    CLASSIC_FIXTURE(false, null, false),
    CLASSIC_FIXTURE_HEADER_ENABLED(false, "enabled", true),
    CLASSIC_FIXTURE_HEADER_ONE_IGNORED(false, "1", false);

    final boolean fixtureStateless;
    final String header;
    final boolean expectStateless;

    Case(boolean fixtureStateless, String header, boolean expectStateless) {
      this.fixtureStateless = fixtureStateless;
      this.header = header;
      this.expectStateless = expectStateless;
    }
  }

  @ParameterizedTest
  @EnumSource(Case.class)
  void formatFollowsFixtureAndOverrideHeader(Case c) throws Exception {
    sim.close();
    sim = GitHubSimulator.start(fixture().withStatelessTokens(c.fixtureStateless), clock);
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                URI.create(sim.baseUri() + "/app/installations/" + ACME + "/access_tokens"))
            .timeout(Duration.ofSeconds(10))
            .header("User-Agent", "testkit-tests")
            .header("Authorization", "Bearer " + appJwt())
            .POST(HttpRequest.BodyPublishers.ofString(BODY));
    if (c.header != null) {
      b.header(InstallationTokens.FORMAT_HEADER, c.header);
    }
    HttpResponse<String> r = send(b.build());
    assertEquals(201, r.statusCode(), r.body());
    String token = json(r).get("token").asText();
    if (c.expectStateless) {
      assertStateless(token);
    } else {
      assertTrue(token.matches("ghs_[0-9A-Za-z]{36}"), token);
    }
    assertTrue(sim.isTokenActive(token));
    assertEquals(200, get("/installation/repositories", "token " + token).statusCode());
    assertEquals(204, send("DELETE", "/installation/token", "Bearer " + token, null).statusCode());
    assertFalse(sim.isTokenActive(token));
  }

  /** The shape GitHub announced: ghs_, the App id, '_', then a three-part JWT; ~520 chars. */
  static void assertStateless(String token) throws Exception {
    assertTrue(token.length() >= 500 && token.length() <= 600, "length " + token.length());
    assertTrue(
        token.startsWith("ghs_" + SimulatorFixture.DEMO_APP_ID + "_"), token.substring(0, 20));
    String jwt = token.substring(("ghs_" + SimulatorFixture.DEMO_APP_ID + "_").length());
    String[] parts = jwt.split("\\.", -1);
    assertEquals(3, parts.length, "a JWT: two dots");
    JsonNode claims =
        JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    assertEquals(ACME, claims.get("installation_id").asLong());
    assertEquals(SimulatorFixture.DEMO_APP_ID, claims.get("app_id").asLong());
    assertEquals(
        "RS256",
        JSON.readTree(Base64.getUrlDecoder().decode(parts[0])).get("alg").asText(),
        "a real signed JWT");
  }
}
