package dev.agentbroker.testkit.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LongTokenTest extends SimulatorHarness {

  @Override
  SimulatorFixture fixture() {
    return super.fixture().withLongTokens(true);
  }

  @Test
  void longTokensAreStatelessStyleAndUsable() {
    String token =
        mintToken(ACME, "{\"repositories\":[\"docs\"],\"permissions\":{\"contents\":\"read\"}}");
    assertTrue(token.length() >= 500, "length " + token.length());
    assertTrue(token.matches("ghs_424242_[A-Za-z0-9_-]{500,}"), token);
    assertTrue(sim.isTokenActive(token));
    assertEquals(200, get("/installation/repositories", "token " + token).statusCode());
    assertEquals(204, send("DELETE", "/installation/token", "Bearer " + token, null).statusCode());
  }
}
