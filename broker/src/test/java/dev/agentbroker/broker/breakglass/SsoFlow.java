package dev.agentbroker.broker.breakglass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The page's SSO sign-in driven over plain HTTP, one step at a time, so tests can stop or tamper
 * between steps: start at the broker, sign in at the provider's form, return to the callback.
 */
final class SsoFlow {
  static final String SESSION = "__Host-bg-session";
  static final String SIGN_IN = "__Host-bg-signin";
  final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  final String base = "http://localhost:" + BreakGlassTestEnv.port;

  /** What {@code GET /breakglass/signin} handed the browser. */
  record Started(String signInCookie, URI authorize) {}

  Started start() throws Exception {
    HttpResponse<String> r = get(base + "/breakglass/signin", null);
    assertEquals(303, r.statusCode(), r.body());
    String cookie = cookie(r, SIGN_IN);
    assertTrue(setCookie(r, SIGN_IN).contains("SameSite=Lax"), setCookie(r, SIGN_IN));
    return new Started(cookie, URI.create(r.headers().firstValue("Location").orElseThrow()));
  }

  /** Signs {@code user} in at the provider; returns the callback URL it redirects to. */
  URI atProvider(Started s, String user) throws Exception {
    HttpResponse<String> form = get(s.authorize().toString(), null);
    assertEquals(200, form.statusCode(), form.body());
    Matcher m = Pattern.compile("name=\"txn\" value=\"([^\"]+)\"").matcher(form.body());
    assertTrue(m.find());
    String body =
        "txn=" + enc(m.group(1)) + "&username=" + enc(user) + "&password=" + enc("pw-" + user);
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(BreakGlassTestEnv.sso.issuer() + "/login"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
    assertEquals(302, r.statusCode());
    return URI.create(r.headers().firstValue("Location").orElseThrow());
  }

  HttpResponse<String> callback(URI callback, String signInCookie) throws Exception {
    return get(callback.toString(), signInCookie == null ? null : SIGN_IN + "=" + signInCookie);
  }

  /** The whole flow; returns the session cookie's value. */
  String signIn(String user) throws Exception {
    Started s = start();
    HttpResponse<String> r = callback(atProvider(s, user), s.signInCookie());
    assertEquals(303, r.statusCode());
    assertEquals(base + "/breakglass/", r.headers().firstValue("Location").orElseThrow());
    return cookie(r, SESSION);
  }

  HttpResponse<String> get(String url, String cookieHeader) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
    if (cookieHeader != null) {
      b.header("Cookie", cookieHeader);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String setCookie(HttpResponse<?> r, String name) {
    List<String> all = r.headers().allValues("Set-Cookie");
    return all.stream().filter(c -> c.startsWith(name + "=")).findFirst().orElse("");
  }

  static String cookie(HttpResponse<?> r, String name) {
    String c = setCookie(r, name);
    assertTrue(!c.isEmpty(), "no " + name + " cookie in " + r.headers().allValues("Set-Cookie"));
    return c.substring(name.length() + 1, c.indexOf(';'));
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
