package dev.agentbroker.testkit.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class InstallationTokenTest extends SimulatorHarness {

  private static final String SCOPED =
      "{\"repositories\":[\"svc-b\"],\"permissions\":{\"contents\":\"read\"}}";

  @Test
  void revocationThen401() {
    String token = mintToken(ACME, SCOPED);
    assertTrue(sim.isTokenActive(token));
    HttpResponse<String> del = send("DELETE", "/installation/token", "token " + token, null);
    assertEquals(204, del.statusCode());
    assertEquals("", del.body());
    assertFalse(sim.isTokenActive(token));
    HttpResponse<String> again = send("DELETE", "/installation/token", "token " + token, null);
    assertEquals(401, again.statusCode());
    assertEquals("Bad credentials", message(again));
    assertEquals(401, get("/installation/repositories", "Bearer " + token).statusCode());
    assertEquals(0, sim.activeTokenCount());
    assertEquals(1, sim.issuedTokenCount());
  }

  @Test
  void listRepositoriesIsLimitedToTheToken() {
    String token = mintToken(ACME, SCOPED);
    HttpResponse<String> r = get("/installation/repositories", "Bearer " + token);
    assertEquals(200, r.statusCode(), r.body());
    JsonNode b = json(r);
    assertEquals(1, b.get("total_count").asInt());
    assertEquals("selected", b.get("repository_selection").asText());
    assertEquals("svc-b", b.get("repositories").get(0).get("name").asText());
  }

  @Test
  void unscopedTokenSeesAllAndPaginates() {
    String token = mintToken(ACME, null);
    JsonNode page1 = json(get("/installation/repositories?per_page=2", "token " + token));
    assertEquals(5, page1.get("total_count").asInt());
    assertEquals("all", page1.get("repository_selection").asText());
    assertEquals(2, page1.get("repositories").size());
    JsonNode page3 = json(get("/installation/repositories?per_page=2&page=3", "token " + token));
    assertEquals(1, page3.get("repositories").size());
    assertEquals("release-tools", page3.get("repositories").get(0).get("name").asText());
  }

  @Test
  void tokensExpireWithTheClock() {
    String token = mintToken(ACME, SCOPED);
    clock.advance(Duration.ofMinutes(59));
    assertTrue(sim.isTokenActive(token));
    assertEquals(200, get("/installation/repositories", "token " + token).statusCode());
    clock.advance(Duration.ofMinutes(1));
    assertFalse(sim.isTokenActive(token));
    assertEquals(0, sim.activeTokenCount());
    HttpResponse<String> r = get("/installation/repositories", "token " + token);
    assertEquals(401, r.statusCode());
    assertEquals("Bad credentials", message(r));
  }

  @Test
  void unknownOrMissingToken() {
    assertEquals(401, get("/installation/repositories", "token ghs_nope").statusCode());
    HttpResponse<String> none = get("/installation/repositories", null);
    assertEquals(401, none.statusCode());
    assertEquals("Requires authentication", message(none));
    assertEquals(401, send("DELETE", "/installation/token", "token ghs_nope", null).statusCode());
  }

  @Test
  void uninstallKillsTokens() {
    String token = mintToken(ACME, SCOPED);
    sim.uninstall(ACME);
    assertFalse(sim.isTokenActive(token));
    assertEquals(401, get("/installation/repositories", "token " + token).statusCode());
  }

  @Test
  void suspendedInstallationTokensAreForbidden() {
    String token = mintToken(ACME, SCOPED);
    sim.suspend(ACME);
    HttpResponse<String> r = get("/installation/repositories", "token " + token);
    assertEquals(403, r.statusCode());
    assertEquals("This installation has been suspended", message(r));
  }

  @Test
  void activeAndIssuedCounts() {
    mintToken(ACME, SCOPED);
    String b = mintToken(ACME, SCOPED);
    mintToken(OCTOCAT, null);
    assertEquals(3, sim.issuedTokenCount());
    assertEquals(3, sim.activeTokenCount());
    send("DELETE", "/installation/token", "Bearer " + b, null);
    assertEquals(2, sim.activeTokenCount());
    sim.reset();
    assertEquals(3, sim.issuedTokenCount());
  }
}
