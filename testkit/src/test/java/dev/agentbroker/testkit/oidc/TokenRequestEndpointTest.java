package dev.agentbroker.testkit.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentbroker.testkit.oidc.ActionsOidcIssuer.RequestCredentials;
import dev.agentbroker.testkit.oidc.ActionsOidcIssuer.Run;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The runner-side endpoint behind ACTIONS_ID_TOKEN_REQUEST_URL, driven like a workflow step. */
class TokenRequestEndpointTest extends OidcHarness {

  @Test
  void urlLooksLikeTheRunnersAndTheTokenIsRandom() {
    RequestCredentials a = oidc.requestFor(acmeRun());
    RequestCredentials b = oidc.requestFor(acmeRun());
    assertTrue(a.url().startsWith(oidc.issuer() + "/_apis/"), a.url());
    assertTrue(a.url().endsWith("/idtoken?api-version=2.0"), a.url());
    assertNotEquals(a.url(), b.url());
    assertNotEquals(a.token(), b.token());
    assertTrue(a.token().length() >= 40);
    assertFalse(a.toString().contains(a.token()), "toString must not leak the request token");
    assertEquals(a.url(), a.environment().get("ACTIONS_ID_TOKEN_REQUEST_URL"));
    assertEquals(a.token(), a.environment().get("ACTIONS_ID_TOKEN_REQUEST_TOKEN"));
  }

  @Test
  void answersATokenForTheRunAndAudience() {
    Run run = acmeRun().toBuilder().environment("prod").build();
    RequestCredentials job = oidc.requestFor(run);
    HttpResponse<String> r = get(job.url() + "&audience=agent-broker", "Bearer " + job.token());
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(
        "application/json; charset=utf-8", r.headers().firstValue("content-type").orElseThrow());
    JsonNode body = json(r.body());
    assertEquals(1, body.get("count").asInt());
    JsonNode claims = verify(body.get("value").asText(), "agent-broker");
    assertEquals("repo:acme/svc-a:environment:prod", claims.get("sub").asText());
    assertEquals("agent-broker", claims.get("aud").asText());
  }

  @Test
  void audienceIsUrlDecoded() {
    RequestCredentials job = oidc.requestFor(acmeRun());
    String aud = "api://AzureADTokenExchange";
    HttpResponse<String> r =
        get(
            job.url() + "&audience=" + URLEncoder.encode(aud, StandardCharsets.UTF_8),
            "Bearer " + job.token());
    assertEquals(aud, segment(json(r.body()).get("value").asText(), 1).get("aud").asText());
  }

  @Test
  void withoutAudienceTheOwnerUrlIsTheAudience() {
    RequestCredentials job = oidc.requestFor(acmeRun());
    for (String url : new String[] {job.url(), job.url() + "&audience="}) {
      HttpResponse<String> r = get(url, "Bearer " + job.token());
      assertEquals(200, r.statusCode());
      String jwt = json(r.body()).get("value").asText();
      verify(jwt, "https://github.com/acme");
    }
  }

  @Test
  void wrongOrMissingRequestTokenIs401() {
    RequestCredentials job = oidc.requestFor(acmeRun());
    RequestCredentials other = oidc.requestFor(acmeRun());
    String url = job.url() + "&audience=agent-broker";
    assertEquals(401, get(url, null).statusCode());
    assertEquals(401, get(url, "Bearer " + other.token()).statusCode());
    assertEquals(401, get(url, "Bearer " + job.token() + "x").statusCode());
    assertEquals(401, get(url, "Basic " + job.token()).statusCode());
    assertEquals(401, get(url, job.token()).statusCode());
    HttpResponse<String> denied = get(url, "Bearer nope");
    assertFalse(denied.body().contains("eyJ"), "no token in a refusal");
    assertEquals(200, get(url, "bearer " + job.token()).statusCode(), "scheme is case-insensitive");
  }

  @Test
  void unknownPathsAndOtherMethods() {
    RequestCredentials job = oidc.requestFor(acmeRun());
    String unregistered = job.url().replace("/jobs/", "/jobs/0");
    assertEquals(404, get(unregistered, "Bearer " + job.token()).statusCode());
    HttpResponse<String> post =
        send(
            HttpRequest.newBuilder(URI.create(job.url()))
                .header("Authorization", "Bearer " + job.token())
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    assertEquals(405, post.statusCode());
  }

  @Test
  void realCurlAsAWorkflowStepRunsIt() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")) || onPath("curl"), "curl missing");
    RequestCredentials job = oidc.requestFor(acmeRun());
    // The command from GitHub's OIDC reference, verbatim but for the audience.
    String step =
        "curl -sS -H \"Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN\""
            + " \"$ACTIONS_ID_TOKEN_REQUEST_URL&audience=agent-broker\"";
    String out = bash(step, job);
    String jwt = json(out).get("value").asText();
    assertEquals("agent-broker", verify(jwt, "agent-broker").get("aud").asText());

    String status =
        bash(
            "curl -sS -o /dev/null -w '%{http_code}' -H \"Authorization: bearer wrong\""
                + " \"$ACTIONS_ID_TOKEN_REQUEST_URL&audience=agent-broker\"",
            job);
    assertEquals("401", status);
  }

  private static String bash(String script, RequestCredentials job)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true);
    pb.environment().putAll(job.environment());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "curl timed out");
    assertEquals(0, p.exitValue(), out);
    return out.strip();
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }
}
