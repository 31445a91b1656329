package dev.agentbroker.testkit.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.testkit.CallerTokens;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AppJwtAuthTest extends SimulatorHarness {

  private static final String UNDECODABLE = "A JSON web token could not be decoded";

  private HttpResponse<String> getApp(String jwt) {
    return get("/app", "Bearer " + jwt);
  }

  private void assertError(HttpResponse<String> r, int status, String message) {
    assertEquals(status, r.statusCode(), r.body());
    assertEquals(message, message(r));
    assertEquals(Integer.toString(status), json(r).get("status").asText());
    assertTrue(json(r).get("documentation_url").asText().startsWith("https://docs.github.com/"));
  }

  @Test
  void validJwtAuthenticatesTheApp() {
    HttpResponse<String> r = getApp(appJwt());
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(424242, json(r).get("id").asLong());
    assertEquals("Iv23liDemoBroker", json(r).get("client_id").asText());
  }

  @Test
  void issMayBeNumericOrClientId() {
    long n = now();
    assertEquals(200, getApp(appJwt(APP_KEY.getPrivate(), 424242, n, n + 60)).statusCode());
    assertEquals(
        200, getApp(appJwt(APP_KEY.getPrivate(), "Iv23liDemoBroker", n, n + 60)).statusCode());
  }

  @Test
  void unknownIssuerIsIntegrationNotFound() {
    long n = now();
    assertError(getApp(appJwt(APP_KEY.getPrivate(), "1", n, n + 60)), 404, "Integration not found");
    assertError(
        getApp(appJwt(APP_KEY.getPrivate(), "Iv23liSomeoneElse", n, n + 60)),
        404,
        "Integration not found");
  }

  @Test
  void wrongKeyCannotBeDecoded() {
    long n = now();
    assertError(getApp(appJwt(OTHER_KEY.getPrivate(), "424242", n, n + 60)), 401, UNDECODABLE);
  }

  @Test
  void tamperedSignatureCannotBeDecoded() {
    String jwt = appJwt();
    int dot = jwt.lastIndexOf('.');
    char c = jwt.charAt(dot + 5);
    String tampered = jwt.substring(0, dot + 5) + (c == 'A' ? 'B' : 'A') + jwt.substring(dot + 6);
    assertError(getApp(tampered), 401, UNDECODABLE);
  }

  @Test
  void tamperedPayloadCannotBeDecoded() {
    String[] parts = appJwt().split("\\.");
    String payload = b64(Map.of("iss", "424242", "iat", now(), "exp", now() + 599));
    assertError(getApp(parts[0] + "." + payload + "." + parts[2]), 401, UNDECODABLE);
  }

  @Test
  void algNoneIsRejected() {
    String jwt = CallerTokens.unsignedAlgNone("424242", "x", "y", clock.instant().plusSeconds(120));
    assertError(getApp(jwt), 401, UNDECODABLE);
  }

  @Test
  void hs256KeyConfusionIsRejected() {
    String jwt =
        CallerTokens.hs256WithPublicKey(
            "424242", "x", "y", clock.instant().plusSeconds(120), APP_KEY.getPublic());
    assertError(getApp(jwt), 401, UNDECODABLE);
  }

  @Test
  void garbageIsUndecodable() {
    assertError(getApp("not-a-jwt"), 401, UNDECODABLE);
    assertError(getApp("a.b.c"), 401, UNDECODABLE);
  }

  @Test
  void expTooFarInTheFuture() {
    long n = now();
    assertError(
        getApp(appJwt(APP_KEY.getPrivate(), "424242", n, n + 601)),
        401,
        "'Expiration time' claim ('exp') is too far in the future");
    // exactly 600 s is allowed
    assertEquals(200, getApp(appJwt(APP_KEY.getPrivate(), "424242", n, n + 600)).statusCode());
  }

  @Test
  void expiredJwt() {
    long n = now();
    assertError(
        getApp(appJwt(APP_KEY.getPrivate(), "424242", n - 600, n - 1)),
        401,
        "'Expiration time' claim ('exp') must be a numeric value representing the future time at"
            + " which the assertion expires");
  }

  @Test
  void cachedJwtStillExpiresWithTheClock() {
    String jwt = appJwt(APP_KEY.getPrivate(), "424242", now(), now() + 120);
    assertEquals(200, getApp(jwt).statusCode());
    clock.advance(Duration.ofSeconds(121));
    assertEquals(401, getApp(jwt).statusCode());
  }

  @Test
  void iatInTheFutureBeyondSkew() {
    long n = now();
    String msg =
        "'Issued at' claim ('iat') must be an Integer representing the time that the assertion"
            + " was issued";
    assertError(getApp(appJwt(APP_KEY.getPrivate(), "424242", n + 61, n + 300)), 401, msg);
    assertEquals(200, getApp(appJwt(APP_KEY.getPrivate(), "424242", n + 60, n + 300)).statusCode());
  }

  @Test
  void nonIntegerTimeClaims() {
    long n = now();
    assertError(
        getApp(appJwt(APP_KEY.getPrivate(), "424242", Long.toString(n), n + 300)),
        401,
        "'Issued at' claim ('iat') must be an Integer representing the time that the assertion"
            + " was issued");
    assertError(
        getApp(appJwt(APP_KEY.getPrivate(), "424242", n, n + 300.5)),
        401,
        "'Expiration time' claim ('exp') must be a numeric value representing the future time at"
            + " which the assertion expires");
  }

  @Test
  void tokenSchemeIsNotAcceptedForJwts() {
    assertError(get("/app", "token " + appJwt()), 401, "Bad credentials");
  }

  @Test
  void missingAuthorization() {
    assertError(get("/app", null), 401, "Requires authentication");
  }

  @Test
  void distinctJwtsAreCounted() {
    String a = appJwt();
    for (int i = 0; i < 3; i++) {
      assertEquals(200, getApp(a).statusCode());
    }
    assertEquals(1, sim.distinctAppJwtsSeen());
    clock.advance(Duration.ofSeconds(1));
    assertEquals(200, getApp(appJwt()).statusCode());
    assertEquals(2, sim.distinctAppJwtsSeen());
  }

  @Test
  void brokerStyleJwtFromJjwtIsAccepted() {
    // The broker signs with jjwt; make sure a jjwt-produced RS256 token passes the JDK verifier.
    Instant iat = clock.instant().minusSeconds(60);
    String jwt =
        CallerTokens.rs256("424242", APP_KEY.getPrivate())
            .issuedAt(iat)
            .expiresAt(iat.plusSeconds(540))
            .sign();
    assertEquals(200, getApp(jwt).statusCode());
  }
}
