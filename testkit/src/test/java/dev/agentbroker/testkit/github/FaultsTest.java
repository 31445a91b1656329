package dev.agentbroker.testkit.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FaultsTest extends SimulatorHarness {

  @Test
  void failNextThenRecover() {
    sim.faults().failNext(2, 502);
    HttpResponse<String> first = mint(ACME, null);
    assertEquals(502, first.statusCode());
    assertEquals("Bad Gateway", message(first));
    assertEquals("502", json(first).get("status").asText());
    assertEquals(502, mint(ACME, null).statusCode());
    assertEquals(201, mint(ACME, null).statusCode());
    assertEquals(502, sim.mintRequests().get(0).status());
    assertEquals(201, sim.mintRequests().get(2).status());
    assertEquals(1, sim.issuedTokenCount());
  }

  @Test
  void secondaryRateLimit() {
    sim.faults().secondaryRateLimitNext(1, 42);
    HttpResponse<String> r = get("/app", "Bearer " + appJwt());
    assertEquals(403, r.statusCode());
    assertEquals("42", r.headers().firstValue("retry-after").orElseThrow());
    String requestId = r.headers().firstValue("x-github-request-id").orElseThrow();
    assertTrue(message(r).startsWith("You have exceeded a secondary rate limit."), message(r));
    assertTrue(message(r).contains(requestId), message(r));
    assertEquals(200, get("/app", "Bearer " + appJwt()).statusCode());
  }

  @Test
  void primaryRateLimitUntilTurnedOff() {
    long reset = now() + 1234;
    sim.faults().primaryRateLimitExhausted(true, reset);
    for (int i = 0; i < 2; i++) {
      HttpResponse<String> r = mint(ACME, null);
      assertEquals(403, r.statusCode());
      assertEquals("0", r.headers().firstValue("x-ratelimit-remaining").orElseThrow());
      assertEquals(Long.toString(reset), r.headers().firstValue("x-ratelimit-reset").orElseThrow());
      assertTrue(message(r).startsWith("API rate limit exceeded for "), message(r));
    }
    sim.faults().primaryRateLimitExhausted(false, 0);
    assertEquals(201, mint(ACME, null).statusCode());
  }

  @Test
  void droppedConnection() {
    sim.faults().dropConnectionNext(1);
    assertThrows(UncheckedIOException.class, () -> mint(ACME, "{\"repositories\":[\"svc-a\"]}"));
    assertEquals(0, sim.mintRequests().get(0).status());
    assertEquals(201, mint(ACME, null).statusCode());
  }

  @Test
  void delayAddsLatencyUntilCleared() {
    sim.faults().delay(Duration.ofMillis(300));
    long t0 = System.nanoTime();
    assertEquals(200, get("/app", "Bearer " + appJwt()).statusCode());
    assertTrue(System.nanoTime() - t0 >= 300_000_000L);
    sim.faults().clear();
    HttpRequest quick =
        HttpRequest.newBuilder(URI.create(sim.baseUri() + "/app"))
            .header("User-Agent", "t")
            .header("Authorization", "Bearer " + appJwt())
            .timeout(Duration.ofMillis(250))
            .build();
    assertEquals(200, send(quick).statusCode());
  }

  @Test
  void delayTriggersClientTimeouts() {
    sim.faults().delay(Duration.ofMillis(800));
    HttpRequest r =
        HttpRequest.newBuilder(URI.create(sim.baseUri() + "/app"))
            .header("User-Agent", "t")
            .timeout(Duration.ofMillis(200))
            .build();
    assertThrows(IOException.class, () -> http.send(r, HttpResponse.BodyHandlers.ofString()));
  }

  @Test
  void clearAndResetDisarmFaults() {
    sim.faults().failNext(5, 500);
    sim.faults().clear();
    assertEquals(201, mint(ACME, null).statusCode());
    sim.faults().secondaryRateLimitNext(5, 1);
    sim.reset();
    assertEquals(201, mint(ACME, null).statusCode());
    assertEquals(1, sim.mintRequests().size());
  }

  @Test
  void invalidFaultArgumentsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> sim.faults().failNext(1, 200));
    assertThrows(IllegalArgumentException.class, () -> sim.faults().dropConnectionNext(-1));
  }
}
