package dev.agentbroker.testkit.github;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class KeyRotationTest extends SimulatorHarness {

  private int statusWith(java.security.PrivateKey key) {
    return get("/app", "Bearer " + appJwt(key, "424242", now(), now() + 300)).statusCode();
  }

  @Test
  void rotateToASecondKeyThenRetireTheFirst() {
    assertEquals(401, statusWith(OTHER_KEY.getPrivate()));
    sim.addAppKey(OTHER_KEY.getPublic());
    assertEquals(200, statusWith(OTHER_KEY.getPrivate()));
    assertEquals(200, statusWith(APP_KEY.getPrivate()));
    sim.removeAppKey(APP_KEY.getPublic());
    assertEquals(401, statusWith(APP_KEY.getPrivate()));
    assertEquals(200, statusWith(OTHER_KEY.getPrivate()));
  }

  @Test
  void removingAKeyInvalidatesAlreadyVerifiedJwts() {
    String jwt = appJwt();
    assertEquals(200, get("/app", "Bearer " + jwt).statusCode());
    sim.removeAppKey(APP_KEY.getPublic());
    assertEquals(401, get("/app", "Bearer " + jwt).statusCode());
    sim.addAppKey(APP_KEY.getPublic());
    assertEquals(200, get("/app", "Bearer " + jwt).statusCode());
  }
}
