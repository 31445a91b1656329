package dev.agentbroker.broker.breakglass;

import static dev.agentbroker.broker.breakglass.BreakGlassApiTest.TOKEN_REQUEST;
import static dev.agentbroker.broker.breakglass.BreakGlassApiTest.idBody;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.broker.ExitRecords;
import dev.agentbroker.testkit.sso.OidcProvider;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The page's SSO session over HTTP: the code flow's callback refusals, the session cookie's
 * attributes, and what a cookie-authenticated state change must carry (origin, CSRF token, JSON).
 * The same in a real browser: {@link BreakGlassBrowserTest}.
 */
@QuarkusTest
@WithTestResource(BreakGlassTestEnv.class)
class BreakGlassSessionTest {
  final SsoFlow flow = new SsoFlow();

  RequestSpecification page(String session) {
    return given()
        .cookie(SsoFlow.SESSION, session)
        .header("Origin", flow.base)
        .header("Sec-Fetch-Site", "same-origin");
  }

  String csrf(String session) {
    return given().cookie(SsoFlow.SESSION, session).get("/breakglass/session").path("csrf_token");
  }

  @Test
  void signInGivesAStrictHostOnlySessionCookieAndNamesThePerson() throws Exception {
    SsoFlow.Started s = flow.start();
    HttpResponse<String> r = flow.callback(flow.atProvider(s, "alice"), s.signInCookie());
    String set = SsoFlow.setCookie(r, SsoFlow.SESSION);
    for (String attr : List.of("Path=/", "Secure", "HttpOnly", "SameSite=Strict")) {
      assertTrue(set.contains("; " + attr), attr + " in " + set);
    }
    assertTrue(!set.contains("Domain="), set);
    assertTrue(
        SsoFlow.setCookie(r, SsoFlow.SIGN_IN).contains("Max-Age=0"), "sign-in cookie cleared");
    String session = SsoFlow.cookie(r, SsoFlow.SESSION);
    given()
        .cookie(SsoFlow.SESSION, session)
        .get("/breakglass/session")
        .then()
        .statusCode(200)
        .header("Cache-Control", "no-store")
        .body("sign_in", equalTo("oidc"))
        .body("signed_in", equalTo(true))
        .body("me.iss", equalTo(BreakGlassTestEnv.sso.issuer()))
        .body("me.sub", equalTo("alice"))
        .body("me.person", equalTo("alice@acme.example"))
        .body("csrf_token", notNullValue());
    given()
        .cookie(SsoFlow.SESSION, session)
        .get("/breakglass/requests")
        .then()
        .statusCode(200)
        .body("me.sub", equalTo("alice"));
    given().get("/breakglass/session").then().body("signed_in", equalTo(false));
  }

  @Test
  void callbackRefusesWrongStateReplayMissingCookieAndProviderErrors() throws Exception {
    // name -> the page's #signin-error
    SsoFlow.Started s = flow.start();
    URI cb = flow.atProvider(s, "alice");
    URI tampered = URI.create(cb.toString().replaceAll("state=[^&]+", "state=forged"));
    assertFailed(flow.callback(tampered, s.signInCookie()), "state_mismatch");
    // The sign-in was spent by the failed attempt: the genuine callback cannot follow it.
    assertFailed(flow.callback(cb, s.signInCookie()), "signin_expired");

    SsoFlow.Started s2 = flow.start();
    URI cb2 = flow.atProvider(s2, "alice");
    assertFailed(flow.callback(cb2, null), "signin_expired");

    SsoFlow.Started s3 = flow.start();
    URI cb3 = flow.atProvider(s3, "alice");
    assertEquals(303, flow.callback(cb3, s3.signInCookie()).statusCode());
    assertFailed(flow.callback(cb3, s3.signInCookie()), "signin_expired");

    SsoFlow.Started s4 = flow.start();
    String state = s4.authorize().getRawQuery().replaceAll(".*state=([^&]+).*", "$1");
    URI denied =
        URI.create(flow.base + "/breakglass/signin/callback?error=access_denied&state=" + state);
    assertFailed(flow.callback(denied, s4.signInCookie()), "provider_refused");
  }

  @Test
  void anIdTokenThatFailsValidationGivesNoSession() throws Exception {
    java.util.Map<OidcProvider.Fault, String> cases = new java.util.LinkedHashMap<>();
    cases.put(OidcProvider.Fault.WRONG_NONCE, "nonce_mismatch");
    cases.put(OidcProvider.Fault.WRONG_AUDIENCE, "id_token_invalid");
    cases.put(OidcProvider.Fault.FOREIGN_SIGNATURE, "id_token_invalid");
    cases.put(OidcProvider.Fault.EXPIRED, "id_token_invalid");
    cases.put(OidcProvider.Fault.NO_ID_TOKEN, "no_id_token");
    try {
      for (var c : cases.entrySet()) {
        BreakGlassTestEnv.sso.fault(c.getKey());
        SsoFlow.Started s = flow.start();
        assertFailed(flow.callback(flow.atProvider(s, "alice"), s.signInCookie()), c.getValue());
      }
    } finally {
      BreakGlassTestEnv.sso.fault(OidcProvider.Fault.NONE);
    }
    assertTrue(flow.signIn("alice").length() >= 43, "a well-behaved provider signs in again");
  }

  void assertFailed(HttpResponse<String> r, String reason) {
    assertEquals(303, r.statusCode());
    assertEquals(
        flow.base + "/breakglass/#signin-error=" + reason,
        r.headers().firstValue("Location").orElseThrow());
    assertEquals("", SsoFlow.setCookie(r, SsoFlow.SESSION), "no session");
  }

  /** A refused variant of a cookie-authenticated approve. */
  record Forgery(
      String name,
      String origin,
      String fetchSite,
      String type,
      String body,
      int status,
      String code,
      String reason) {}

  /** ADR 0019: a session caller is attributed like a bearer caller, so its refusal is journaled. */
  @Test
  void aSessionCallersRefusalIsJournaledUnderItsPerson() throws Exception {
    String carol = flow.signIn("carol");
    String requestId = "session-" + java.util.UUID.randomUUID();
    page(carol)
        .header("X-Request-Id", requestId)
        .contentType("text/plain")
        .body(idBody("bg-00000000-0000-0000-0000-000000000000"))
        .post("/breakglass/requests")
        .then()
        .statusCode(415)
        .body("code", equalTo("unsupported_media_type"));
    List<com.fasterxml.jackson.databind.JsonNode> events = ExitRecords.events(requestId);
    assertEquals(1, events.size(), events.toString());
    com.fasterxml.jackson.databind.JsonNode e = events.get(0);
    assertEquals("request.refused", e.path("action").asText());
    assertEquals("denied", e.path("outcome").asText());
    assertEquals("unsupported_media_type", e.path("reason").asText());
    assertEquals("POST /breakglass/requests", e.path("details").path("route").asText());
    assertTrue(!e.path("issuer").asText("").isEmpty() && !e.path("subject").asText("").isEmpty());
    assertTrue(e.path("identity_id").isMissingNode(), "a human matches no agent identity");
    List<String> lines = ExitRecords.lines(requestId);
    assertEquals(1, lines.size(), lines.toString());
    assertTrue(lines.get(0).contains("action=request.refused outcome=denied"), lines.get(0));
    assertTrue(!lines.get(0).contains(carol), "no session id in the line");
  }

  @Test
  void cookieStateChangesNeedTheOriginTheCsrfTokenAndJson() throws Exception {
    String alice = flow.signIn("alice");
    String bob = flow.signIn("bob");
    String aliceCsrf = csrf(alice);
    String bobCsrf = csrf(bob);
    String id =
        page(alice)
            .contentType("application/json")
            .body(
                TOKEN_REQUEST.replace(
                    "{\"kind\"", "{\"csrf_token\":\"" + aliceCsrf + "\",\"kind\""))
            .post("/breakglass/requests")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    String good = "{\"id\":\"" + id + "\",\"csrf_token\":\"" + bobCsrf + "\"}";
    String evil = "https://evil.example";
    List<Forgery> forgeries = new ArrayList<>();
    forgeries.add(
        new Forgery(
            "no csrf token",
            flow.base,
            "same-origin",
            "application/json",
            idBody(id),
            403,
            "csrf_refused",
            "csrf_token_missing"));
    forgeries.add(
        new Forgery(
            "wrong csrf token",
            flow.base,
            "same-origin",
            "application/json",
            good.replace(bobCsrf, "x" + bobCsrf.substring(1)),
            403,
            "csrf_refused",
            "csrf_token_invalid"));
    forgeries.add(
        new Forgery(
            "another session's token",
            flow.base,
            "same-origin",
            "application/json",
            good.replace(bobCsrf, aliceCsrf),
            403,
            "csrf_refused",
            "csrf_token_invalid"));
    forgeries.add(
        new Forgery(
            "cross-site origin",
            evil,
            null,
            "application/json",
            good,
            403,
            "csrf_refused",
            "cross_site_request"));
    forgeries.add(
        new Forgery(
            "cross-site fetch",
            null,
            "cross-site",
            "application/json",
            good,
            403,
            "csrf_refused",
            "cross_site_request"));
    forgeries.add(
        new Forgery(
            "same-site sibling",
            "https://wiki.localhost",
            "same-site",
            "application/json",
            good,
            403,
            "csrf_refused",
            "cross_site_request"));
    forgeries.add(
        new Forgery(
            "opaque origin",
            "null",
            null,
            "application/json",
            good,
            403,
            "csrf_refused",
            "cross_site_request"));
    forgeries.add(
        new Forgery(
            "no origin at all",
            null,
            null,
            "application/json",
            good,
            403,
            "csrf_refused",
            "origin_missing"));
    forgeries.add(
        new Forgery(
            "form post",
            flow.base,
            "same-origin",
            "text/plain",
            good,
            415,
            "unsupported_media_type",
            null));
    for (Forgery f : forgeries) {
      RequestSpecification r =
          given().cookie(SsoFlow.SESSION, bob).contentType(f.type()).body(f.body());
      if (f.origin() != null) {
        r = r.header("Origin", f.origin());
      }
      if (f.fetchSite() != null) {
        r = r.header("Sec-Fetch-Site", f.fetchSite());
      }
      var v = r.post("/breakglass/requests/" + id + "/approve").then();
      v.statusCode(f.status()).body("code", equalTo(f.code()));
      if (f.reason() != null) {
        v.body("reason", equalTo(f.reason()));
      }
    }
    given()
        .cookie(SsoFlow.SESSION, bob)
        .get("/breakglass/requests")
        .then()
        .body("open.find { it.id == '" + id + "' }.state", equalTo("pending"));
    // Self-approval with a perfectly valid session request is still refused.
    page(alice)
        .contentType("application/json")
        .body("{\"id\":\"" + id + "\",\"csrf_token\":\"" + aliceCsrf + "\"}")
        .post("/breakglass/requests/" + id + "/approve")
        .then()
        .statusCode(403)
        .body("code", equalTo("self_approval_refused"));
    page(bob)
        .contentType("application/json")
        .body(good)
        .post("/breakglass/requests/" + id + "/approve")
        .then()
        .statusCode(200)
        .body("decided_by.person", equalTo("bob@acme.example"));
    page(alice)
        .contentType("application/json")
        .body("{\"id\":\"" + id + "\",\"csrf_token\":\"" + aliceCsrf + "\"}")
        .post("/breakglass/requests/" + id + "/use")
        .then()
        .statusCode(200)
        .body("grant.state", equalTo("used"));
  }

  @Test
  void signOutEndsTheSessionAndNeedsTheCsrfToken() throws Exception {
    String carol = flow.signIn("carol");
    page(carol)
        .contentType("application/json")
        .body("{}")
        .post("/breakglass/signout")
        .then()
        .statusCode(403)
        .body("reason", equalTo("csrf_token_missing"));
    page(carol)
        .contentType("application/json")
        .body("{\"csrf_token\":\"" + csrf(carol) + "\"}")
        .post("/breakglass/signout")
        .then()
        .statusCode(200)
        .header("Set-Cookie", org.hamcrest.Matchers.containsString("Max-Age=0"));
    given()
        .cookie(SsoFlow.SESSION, carol)
        .get("/breakglass/session")
        .then()
        .body("signed_in", equalTo(false));
    given().cookie(SsoFlow.SESSION, carol).get("/breakglass/requests").then().statusCode(401);
  }
}
