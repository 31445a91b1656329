package dev.agentbroker.testkit.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class FrontDoorTest extends SimulatorHarness {

  @Test
  void missingUserAgentIsForbidden() throws IOException {
    String raw =
        rawRequest(
            "GET /app HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                + appJwt()
                + "\r\nConnection: close\r\n\r\n");
    assertTrue(raw.startsWith("HTTP/1.1 403"), raw);
    assertTrue(
        raw.contains(
            "Request forbidden by administrative rules. Please make sure your request has a"
                + " User-Agent header"),
        raw);
  }

  @Test
  void blankUserAgentIsForbidden() {
    HttpResponse<String> r =
        send(
            HttpRequest.newBuilder(URI.create(sim.baseUri() + "/app"))
                .header("User-Agent", " ")
                .header("Authorization", "Bearer " + appJwt())
                .build());
    assertEquals(403, r.statusCode());
  }

  @Test
  void unsupportedApiVersionIs400() {
    HttpResponse<String> r =
        send(
            HttpRequest.newBuilder(URI.create(sim.baseUri() + "/app"))
                .header("User-Agent", "t")
                .header("X-GitHub-Api-Version", "v3")
                .header("Authorization", "Bearer " + appJwt())
                .build());
    assertEquals(400, r.statusCode());
    String msg = message(r);
    assertTrue(msg.contains("\"v3\", is not a supported version"), msg);
    assertTrue(msg.contains("2022-11-28"), msg);
  }

  @Test
  void supportedAndAbsentApiVersionsAreAccepted() {
    for (String v : new String[] {"2022-11-28", "2026-03-10", null}) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(sim.baseUri() + "/app"))
              .header("User-Agent", "t")
              .header("Authorization", "Bearer " + appJwt());
      if (v != null) {
        b.header("X-GitHub-Api-Version", v);
      }
      HttpResponse<String> r = send(b.build());
      assertEquals(200, r.statusCode(), String.valueOf(v));
      assertEquals(
          v == null ? "2022-11-28" : v,
          r.headers().firstValue("x-github-api-version-selected").orElseThrow());
    }
  }

  @Test
  void everyResponseCarriesRateLimitAndRequestIdHeaders() {
    HttpResponse<String> ok = get("/app", "Bearer " + appJwt());
    HttpResponse<String> err = get("/nope", null);
    for (HttpResponse<String> r : java.util.List.of(ok, err)) {
      assertEquals("5000", r.headers().firstValue("x-ratelimit-limit").orElseThrow());
      assertNotNull(r.headers().firstValue("x-ratelimit-remaining").orElse(null));
      assertNotNull(r.headers().firstValue("x-ratelimit-used").orElse(null));
      assertNotNull(r.headers().firstValue("x-ratelimit-reset").orElse(null));
      assertEquals("core", r.headers().firstValue("x-ratelimit-resource").orElseThrow());
      assertTrue(r.headers().firstValue("x-github-request-id").orElseThrow().matches("[0-9A-F:]+"));
    }
    assertEquals(404, err.statusCode());
    assertEquals("Not Found", message(err));
    assertEquals(
        Long.toString(now() + 3600), ok.headers().firstValue("x-ratelimit-reset").orElseThrow());
  }

  @Test
  void rateLimitCounterCountsPerIdentity() {
    String jwt = appJwt();
    HttpResponse<String> a = get("/app", "Bearer " + jwt);
    HttpResponse<String> b = get("/app", "Bearer " + jwt);
    int usedA = Integer.parseInt(a.headers().firstValue("x-ratelimit-used").orElseThrow());
    int usedB = Integer.parseInt(b.headers().firstValue("x-ratelimit-used").orElseThrow());
    assertEquals(usedA + 1, usedB);
    assertEquals(
        5000 - usedB,
        Integer.parseInt(b.headers().firstValue("x-ratelimit-remaining").orElseThrow()));
  }

  @Test
  void requestsAreRecordedWithLowerCaseHeaders() {
    mint(ACME, "{\"repositories\":[\"svc-a\"],\"permissions\":{\"contents\":\"read\"}}");
    RecordedRequest r = sim.requests().get(0);
    assertEquals("POST", r.method());
    assertEquals("/app/installations/" + ACME + "/access_tokens", r.path());
    assertEquals("testkit-tests", r.headers().get("user-agent").get(0));
    assertTrue(r.body().contains("svc-a"));
    sim.reset();
    assertTrue(sim.requests().isEmpty());
    assertTrue(sim.mintRequests().isEmpty());
  }
}
