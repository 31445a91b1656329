package dev.agentbroker.testkit.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link GitHubSimulator#tokenScope}: what a token was minted with, also after revocation. */
class TokenScopeTest extends SimulatorHarness {

  @Test
  void scopedTokenReportsExactlyWhatWasGrantedAndSurvivesRevocation() {
    String token =
        mintToken(ACME, "{\"repositories\":[\"svc-b\"],\"permissions\":{\"actions\":\"write\"}}");
    TokenScope expected =
        new TokenScope(ACME, Map.of("actions", "write"), List.of("svc-b"), "selected");
    assertEquals(Optional.of(expected), sim.tokenScope(token));
    assertEquals(204, send("DELETE", "/installation/token", "token " + token, null).statusCode());
    assertFalse(sim.isTokenActive(token));
    assertEquals(Optional.of(expected), sim.tokenScope(token), "still known once revoked");
  }

  @Test
  void unscopedTokenReportsTheInstallationsRepositories() {
    TokenScope s = sim.tokenScope(mintToken(ACME, null)).orElseThrow();
    assertEquals("all", s.repositorySelection());
    assertEquals(5, s.repositories().size());
  }

  @Test
  void aTokenItNeverIssuedIsUnknown() {
    assertEquals(Optional.empty(), sim.tokenScope("ghs_neverIssuedByThisSimulator"));
  }
}
