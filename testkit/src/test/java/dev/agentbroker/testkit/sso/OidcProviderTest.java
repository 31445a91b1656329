package dev.agentbroker.testkit.sso;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentbroker.testkit.MutableClock;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.Jwts;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The provider enforces the code flow's rules; each case names the rule it proves. */
class OidcProviderTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final URI CALLBACK = URI.create("https://broker.test/breakglass/signin/callback");
  static final String SECRET = "s3cret-for-tests";
  static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"; // RFC 7636 App. B

  final MutableClock clock = new MutableClock(Instant.now());
  final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  OidcProvider sso;

  @BeforeEach
  void start() throws Exception {
    sso = OidcProvider.start(clock);
    sso.registerClient("broker", SECRET, CALLBACK, "agent-broker");
    sso.addUser("alice", "pw-alice", "00u-alice", Map.of("email", "alice@acme.example"));
  }

  @AfterEach
  void stop() {
    sso.close();
  }

  @Test
  void codeFlowWithPkceIssuesSignedTokensCarryingNonceAndState() throws Exception {
    JsonNode d = JSON.readTree(get(sso.issuer() + "/.well-known/openid-configuration").body());
    assertEquals(sso.issuer(), d.get("issuer").asText());
    assertEquals("S256", d.get("code_challenge_methods_supported").get(0).asText());
    String code = signIn(authorizeUrl(Map.of()), "st-1");
    HttpResponse<String> r = token(code, VERIFIER, CALLBACK.toString(), SECRET);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(""));
    JsonNode t = JSON.readTree(r.body());
    PublicKey key = jwksKey();
    Claims id =
        Jwts.parser()
            .verifyWith(key)
            .build()
            .parseSignedClaims(t.get("id_token").asText())
            .getPayload();
    assertEquals(sso.issuer(), id.getIssuer());
    assertEquals("00u-alice", id.getSubject());
    assertTrue(id.getAudience().contains("broker"));
    assertEquals("n-123", id.get("nonce"));
    assertEquals("alice@acme.example", id.get("email"));
    Claims at =
        Jwts.parser()
            .verifyWith(key)
            .build()
            .parseSignedClaims(t.get("access_token").asText())
            .getPayload();
    assertTrue(at.getAudience().contains("agent-broker"));
  }

  @Test
  void authorizeNeverRedirectsToAnUnregisteredUri() throws Exception {
    for (String bad : new String[] {"https://evil.test/cb", CALLBACK + "/", CALLBACK + "?x=1"}) {
      HttpResponse<String> r = get(authorizeUrl(Map.of("redirect_uri", bad)));
      assertEquals(400, r.statusCode(), bad);
      assertTrue(r.headers().firstValue("Location").isEmpty(), bad);
    }
    HttpResponse<String> r = get(authorizeUrl(Map.of("client_id", "nobody")));
    assertEquals(400, r.statusCode());
  }

  @Test
  void authorizeRequiresPkceS256AndOpenidScope() throws Exception {
    Map<String, Map<String, String>> cases = new LinkedHashMap<>();
    cases.put("plain method", Map.of("code_challenge_method", "plain"));
    cases.put("no method", Map.of("code_challenge_method", ""));
    cases.put("no challenge", Map.of("code_challenge", ""));
    cases.put("short challenge", Map.of("code_challenge", "abc"));
    cases.put("no openid scope", Map.of("scope", "email"));
    cases.put("implicit", Map.of("response_type", "id_token"));
    for (var c : cases.entrySet()) {
      HttpResponse<String> r = get(authorizeUrl(c.getValue()));
      assertEquals(302, r.statusCode(), c.getKey());
      String loc = r.headers().firstValue("Location").orElseThrow();
      assertTrue(loc.startsWith(CALLBACK + "?error="), c.getKey() + ": " + loc);
      assertTrue(loc.endsWith("&state=st-1"), c.getKey() + ": state echoed: " + loc);
      assertFalse(loc.contains("code="), c.getKey());
    }
  }

  @Test
  void tokenEndpointRefusesWrongVerifierRedirectClientAndSpendsTheCode() throws Exception {
    Map<String, String[]> cases = new LinkedHashMap<>();
    // name -> {verifier, redirect_uri, secret, expected error}
    cases.put(
        "wrong verifier",
        new String[] {VERIFIER.replace('d', 'e'), CALLBACK.toString(), SECRET, "invalid_grant"});
    cases.put("short verifier", new String[] {"abc", CALLBACK.toString(), SECRET, "invalid_grant"});
    cases.put(
        "challenge as verifier",
        new String[] {CHALLENGE, CALLBACK.toString(), SECRET, "invalid_grant"});
    cases.put("other redirect", new String[] {VERIFIER, CALLBACK + "/x", SECRET, "invalid_grant"});
    cases.put(
        "wrong secret", new String[] {VERIFIER, CALLBACK.toString(), "nope", "invalid_client"});
    for (var c : cases.entrySet()) {
      String code = signIn(authorizeUrl(Map.of()), "st-1");
      String[] v = c.getValue();
      HttpResponse<String> r = token(code, v[0], v[1], v[2]);
      assertEquals(v[3], JSON.readTree(r.body()).get("error").asText(), c.getKey());
      if (v[3].equals("invalid_grant")) {
        // One try per code: the right verifier afterwards does not help.
        HttpResponse<String> retry = token(code, VERIFIER, CALLBACK.toString(), SECRET);
        assertEquals(
            "invalid_grant", JSON.readTree(retry.body()).get("error").asText(), c.getKey());
      }
    }
  }

  @Test
  void aCodeIsSingleUseAndShortLived() throws Exception {
    String code = signIn(authorizeUrl(Map.of()), "st-1");
    HttpResponse<String> first = token(code, VERIFIER, CALLBACK.toString(), SECRET);
    String access = JSON.readTree(first.body()).get("access_token").asText();
    assertFalse(sso.isRevoked(access));
    HttpResponse<String> again = token(code, VERIFIER, CALLBACK.toString(), SECRET);
    assertEquals(400, again.statusCode());
    assertEquals("invalid_grant", JSON.readTree(again.body()).get("error").asText());
    assertTrue(sso.isRevoked(access), "tokens of a replayed code are revoked");

    String late = signIn(authorizeUrl(Map.of()), "st-1");
    clock.advance(OidcProvider.CODE_LIFETIME.plus(Duration.ofSeconds(1)));
    assertEquals(
        "invalid_grant",
        JSON.readTree(token(late, VERIFIER, CALLBACK.toString(), SECRET).body())
            .get("error")
            .asText());
  }

  @Test
  void faultsBreakExactlyTheIdTokenPropertyTheyName() throws Exception {
    PublicKey key = jwksKey();
    sso.fault(OidcProvider.Fault.WRONG_NONCE);
    Claims n = Jwts.parser().verifyWith(key).build().parseSignedClaims(idToken()).getPayload();
    assertEquals("n-123x", n.get("nonce"));
    sso.fault(OidcProvider.Fault.WRONG_AUDIENCE);
    Claims a = Jwts.parser().verifyWith(key).build().parseSignedClaims(idToken()).getPayload();
    assertFalse(a.getAudience().contains("broker"));
    sso.fault(OidcProvider.Fault.FOREIGN_SIGNATURE);
    String foreign = idToken();
    assertThrows(
        io.jsonwebtoken.security.SignatureException.class,
        () -> Jwts.parser().verifyWith(key).build().parseSignedClaims(foreign));
    sso.fault(OidcProvider.Fault.NO_ID_TOKEN);
    String code = signIn(authorizeUrl(Map.of()), "st-1");
    JsonNode t = JSON.readTree(token(code, VERIFIER, CALLBACK.toString(), SECRET).body());
    assertTrue(t.has("access_token") && !t.has("id_token"));
  }

  String idToken() throws Exception {
    String code = signIn(authorizeUrl(Map.of()), "st-1");
    return JSON.readTree(token(code, VERIFIER, CALLBACK.toString(), SECRET).body())
        .get("id_token")
        .asText();
  }

  @Test
  void wrongPasswordShowsTheFormAgainWithoutACode() throws Exception {
    HttpResponse<String> form = get(authorizeUrl(Map.of()));
    HttpResponse<String> r =
        post(
            sso.issuer() + "/login",
            "txn=" + txn(form.body()) + "&username=alice&password=wrong",
            null);
    assertEquals(401, r.statusCode());
    assertTrue(r.headers().firstValue("Location").isEmpty());
  }

  String authorizeUrl(Map<String, String> overrides) {
    Map<String, String> q = new LinkedHashMap<>();
    q.put("response_type", "code");
    q.put("client_id", "broker");
    q.put("redirect_uri", CALLBACK.toString());
    q.put("scope", "openid email");
    q.put("state", "st-1");
    q.put("nonce", "n-123");
    q.put("code_challenge", CHALLENGE);
    q.put("code_challenge_method", "S256");
    q.putAll(overrides);
    StringBuilder s = new StringBuilder(sso.issuer() + "/authorize?");
    q.forEach((k, v) -> s.append(enc(k)).append('=').append(enc(v)).append('&'));
    return s.toString();
  }

  String signIn(String authorizeUrl, String state) throws Exception {
    HttpResponse<String> form = get(authorizeUrl);
    assertEquals(200, form.statusCode(), form.body());
    HttpResponse<String> r =
        post(
            sso.issuer() + "/login",
            "txn=" + txn(form.body()) + "&username=alice&password=pw-alice",
            null);
    assertEquals(302, r.statusCode());
    URI loc = URI.create(r.headers().firstValue("Location").orElseThrow());
    assertEquals(CALLBACK.getPath(), loc.getPath());
    Matcher m = Pattern.compile("^code=([^&]+)&state=(.*)$").matcher(loc.getRawQuery());
    assertTrue(m.matches(), loc.toString());
    assertEquals(state, m.group(2));
    return java.net.URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
  }

  HttpResponse<String> token(String code, String verifier, String redirect, String secret)
      throws Exception {
    String basic =
        Base64.getEncoder().encodeToString(("broker:" + secret).getBytes(StandardCharsets.UTF_8));
    return post(
        sso.issuer() + "/token",
        "grant_type=authorization_code&code="
            + enc(code)
            + "&redirect_uri="
            + enc(redirect)
            + "&code_verifier="
            + enc(verifier),
        "Basic " + basic);
  }

  PublicKey jwksKey() throws Exception {
    JsonNode k = JSON.readTree(get(sso.jwksUri().toString()).body()).get("keys").get(0);
    Base64.Decoder d = Base64.getUrlDecoder();
    return KeyFactory.getInstance("RSA")
        .generatePublic(
            new RSAPublicKeySpec(
                new BigInteger(1, d.decode(k.get("n").asText())),
                new BigInteger(1, d.decode(k.get("e").asText()))));
  }

  static String txn(String html) {
    Matcher m = Pattern.compile("name=\"txn\" value=\"([^\"]+)\"").matcher(html);
    assertTrue(m.find(), html);
    return m.group(1);
  }

  HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String url, String form, String auth) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form));
    if (auth != null) {
      b.header("Authorization", auth);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertNotNull(r);
    return r;
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
