package dev.agentbroker.testkit.sso;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The provider's endpoints and the rules they enforce (OpenID Connect Core 1.0 section 3.1, RFC
 * 6749 section 4.1, RFC 7636):
 *
 * <ol>
 *   <li>authorize: an unknown {@code client_id} or a {@code redirect_uri} not exactly the
 *       registered one is answered here (400), never by redirecting; other errors redirect with
 *       {@code error} and the unchanged {@code state}. {@code response_type=code}, scope {@code
 *       openid}, and PKCE with {@code S256} are required ({@code plain} is refused); a parameter
 *       given twice is refused.
 *   <li>login: the form's credentials; success issues a code (60 s) bound to client, redirect URI,
 *       challenge, nonce and user, and redirects with {@code code} and {@code state}.
 *   <li>token: client authentication (Basic or post, not both), {@code grant_type}, the code
 *       consumed by the first attempt whatever its outcome (a failed verifier cannot be retried),
 *       same client, identical {@code redirect_uri}, verifier of 43-128 unreserved characters whose
 *       S256 equals the challenge. A code presented again is {@code invalid_grant} and the tokens
 *       issued for it are revoked (RFC 6749 4.1.2).
 * </ol>
 */
final class ProviderEndpoints implements HttpHandler {
  static final String DISCOVERY = "/.well-known/openid-configuration";
  static final String JWKS = "/jwks";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern VERIFIER = Pattern.compile("^[A-Za-z0-9._~-]{43,128}$");
  private static final Pattern CHALLENGE = Pattern.compile("^[A-Za-z0-9_-]{43}$");

  /** An authorization request waiting for the person to sign in. */
  record Pending(OidcProvider.Client client, String state, String nonce, String challenge) {}

  /** An issued code and what it is bound to. */
  record Code(
      OidcProvider.Client client,
      String nonce,
      String challenge,
      OidcProvider.User user,
      Instant issuedAt) {}

  private final OidcProvider provider;
  private final Clock clock;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final Map<String, Code> codes = new ConcurrentHashMap<>();
  private final Map<String, List<String>> redeemed = new ConcurrentHashMap<>();
  final Set<String> revoked = ConcurrentHashMap.newKeySet();
  final AtomicInteger tokenRequests = new AtomicInteger();

  ProviderEndpoints(OidcProvider provider, Clock clock) {
    this.provider = provider;
    this.clock = clock;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    try {
      byte[] body = ex.getRequestBody().readNBytes(16 * 1024);
      String path = ex.getRequestURI().getPath();
      String method = ex.getRequestMethod();
      if (path.equals(DISCOVERY) && method.equals("GET")) {
        json(ex, 200, discovery());
      } else if (path.equals(JWKS) && method.equals("GET")) {
        json(ex, 200, provider.jwks());
      } else if (path.equals("/authorize") && method.equals("GET")) {
        authorize(ex, Form.parse(ex.getRequestURI().getRawQuery()));
      } else if (path.equals("/login") && method.equals("POST")) {
        login(ex, Form.parse(new String(body, StandardCharsets.UTF_8)));
      } else if (path.equals("/token") && method.equals("POST")) {
        tokenRequests.incrementAndGet();
        token(ex, body);
      } else {
        send(ex, 404, "text/plain; charset=utf-8", "Not Found".getBytes(StandardCharsets.UTF_8));
      }
    } finally {
      ex.close();
    }
  }

  private Map<String, Object> discovery() {
    String i = provider.issuer();
    Map<String, Object> n = new LinkedHashMap<>();
    n.put("issuer", i);
    n.put("authorization_endpoint", i + "/authorize");
    n.put("token_endpoint", i + "/token");
    n.put("jwks_uri", i + JWKS);
    n.put("response_types_supported", List.of("code"));
    n.put("subject_types_supported", List.of("public"));
    n.put("id_token_signing_alg_values_supported", List.of("RS256"));
    n.put("scopes_supported", List.of("openid", "email", "profile"));
    n.put(
        "token_endpoint_auth_methods_supported",
        List.of("client_secret_basic", "client_secret_post"));
    n.put("code_challenge_methods_supported", List.of("S256"));
    n.put("grant_types_supported", List.of("authorization_code"));
    return n;
  }

  private void authorize(HttpExchange ex, Form q) throws IOException {
    OidcProvider.Client c =
        q.single("client_id") == null ? null : provider.clients.get(q.single("client_id"));
    String redirect = q.single("redirect_uri");
    if (q.duplicated("client_id")
        || q.duplicated("redirect_uri")
        || c == null
        || redirect == null
        || !c.redirectUri().toString().equals(redirect)) {
      // RFC 6749 4.1.2.1: never redirect to an unverified URI.
      html(ex, 400, "<p>invalid_request: unknown client or redirect_uri not registered</p>");
      return;
    }
    String state = q.single("state");
    String error = null;
    if (q.anyDuplicated()) {
      error = "invalid_request";
    } else if (!"code".equals(q.single("response_type"))) {
      error = "unsupported_response_type";
    } else if (q.single("scope") == null
        || !List.of(q.single("scope").split(" ")).contains("openid")) {
      error = "invalid_scope";
    } else if (q.single("code_challenge") == null
        || !"S256".equals(q.single("code_challenge_method"))
        || !CHALLENGE.matcher(q.single("code_challenge")).matches()) {
      // PKCE is required for every client; plain (or no method, which means plain) is refused.
      error = "invalid_request";
    }
    if (error != null) {
      redirect(ex, c.redirectUri(), Map.of("error", error), state);
      return;
    }
    String txn = random();
    pending.put(txn, new Pending(c, state, q.single("nonce"), q.single("code_challenge")));
    html(ex, 200, loginForm(txn, null));
  }

  private void login(HttpExchange ex, Form f) throws IOException {
    String txn = f.single("txn");
    Pending p = txn == null ? null : pending.get(txn);
    if (p == null) {
      html(ex, 400, "<p>invalid_request: unknown or finished sign-in</p>");
      return;
    }
    OidcProvider.User u =
        f.single("username") == null ? null : provider.users.get(f.single("username"));
    if (u == null || !MessageDigest.isEqual(bytes(u.password()), bytes(f.single("password")))) {
      html(ex, 401, loginForm(txn, "Unknown user or wrong password."));
      return;
    }
    pending.remove(txn);
    String code = random();
    codes.put(code, new Code(p.client(), p.nonce(), p.challenge(), u, clock.instant()));
    redirect(ex, p.client().redirectUri(), Map.of("code", code), p.state());
  }

  private void token(HttpExchange ex, byte[] body) throws IOException {
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    if (type == null || !type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
      tokenError(ex, 400, "invalid_request");
      return;
    }
    Form f = Form.parse(new String(body, StandardCharsets.UTF_8));
    OidcProvider.Client c = clientAuth(ex, f);
    if (c == null) {
      ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"sso\"");
      tokenError(ex, 401, "invalid_client");
      return;
    }
    if (f.anyDuplicated()) {
      tokenError(ex, 400, "invalid_request");
      return;
    }
    if (!"authorization_code".equals(f.single("grant_type"))) {
      tokenError(ex, 400, "unsupported_grant_type");
      return;
    }
    String code = f.single("code");
    // Consumed by this attempt whatever happens next: one try per code.
    Code k = code == null ? null : codes.remove(code);
    if (k == null) {
      List<String> issued = code == null ? null : redeemed.get(code);
      if (issued != null) {
        revoked.addAll(issued);
      }
      tokenError(ex, 400, "invalid_grant");
      return;
    }
    redeemed.put(code, new java.util.concurrent.CopyOnWriteArrayList<>());
    boolean fresh = clock.instant().isBefore(k.issuedAt().plus(OidcProvider.CODE_LIFETIME));
    String verifier = f.single("code_verifier");
    if (!fresh
        || !k.client().id().equals(c.id())
        || !c.redirectUri().toString().equals(f.single("redirect_uri"))
        || verifier == null
        || !VERIFIER.matcher(verifier).matches()
        || !MessageDigest.isEqual(bytes(s256(verifier)), bytes(k.challenge()))) {
      tokenError(ex, 400, "invalid_grant");
      return;
    }
    String access = provider.accessToken(k.user(), provider.apiAudience(c.id()), c.id());
    redeemed.get(code).add(sha256(access));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("access_token", access);
    out.put("token_type", "Bearer");
    out.put("expires_in", OidcProvider.TOKEN_LIFETIME.toSeconds());
    if (provider.fault() != OidcProvider.Fault.NO_ID_TOKEN) {
      out.put("id_token", provider.idToken(k.user(), c, k.nonce(), k.issuedAt()));
    }
    out.put("scope", "openid email profile");
    json(ex, 200, out);
  }

  /** client_secret_basic (RFC 6749 2.3.1: both parts form-urlencoded) or client_secret_post. */
  private OidcProvider.Client clientAuth(HttpExchange ex, Form f) {
    String header = ex.getRequestHeaders().getFirst("Authorization");
    String id;
    String secret;
    if (header != null) {
      if (f.single("client_secret") != null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
        return null;
      }
      String decoded;
      try {
        decoded =
            new String(
                Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return null;
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        return null;
      }
      id = Form.decode(decoded.substring(0, colon));
      secret = Form.decode(decoded.substring(colon + 1));
      if (f.single("client_id") != null && !f.single("client_id").equals(id)) {
        return null;
      }
    } else {
      id = f.single("client_id");
      secret = f.single("client_secret");
    }
    OidcProvider.Client c = id == null ? null : provider.clients.get(id);
    if (c == null || secret == null || !MessageDigest.isEqual(bytes(c.secret()), bytes(secret))) {
      return null;
    }
    return c;
  }

  private static String loginForm(String txn, String error) {
    return "<h1>Acme SSO</h1>"
        + (error == null ? "" : "<p id=\"error\">" + error + "</p>")
        + "<form method=\"post\" action=\"/login\">"
        + "<input type=\"hidden\" name=\"txn\" value=\""
        + txn
        + "\">"
        + "<label>User <input id=\"username\" name=\"username\" autocomplete=\"username\"></label>"
        + "<label>Password <input id=\"password\" name=\"password\" type=\"password\"></label>"
        + "<button id=\"sso-submit\" type=\"submit\">Sign in</button></form>";
  }

  private static void redirect(
      HttpExchange ex, URI target, Map<String, String> params, String state) throws IOException {
    StringBuilder q = new StringBuilder(target.toString());
    q.append(target.getRawQuery() == null ? '?' : '&');
    Map<String, String> all = new LinkedHashMap<>(params);
    if (state != null) {
      all.put("state", state);
    }
    String sep = "";
    for (Map.Entry<String, String> e : all.entrySet()) {
      q.append(sep).append(Form.encode(e.getKey())).append('=').append(Form.encode(e.getValue()));
      sep = "&";
    }
    ex.getResponseHeaders().set("Location", q.toString());
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    send(ex, 302, "text/plain; charset=utf-8", new byte[0]);
  }

  private static void tokenError(HttpExchange ex, int status, String error) throws IOException {
    json(ex, status, Map.of("error", error));
  }

  private static void json(HttpExchange ex, int status, Object body) throws IOException {
    json(ex, status, JSON.writeValueAsBytes(body));
  }

  private static void json(HttpExchange ex, int status, byte[] body) throws IOException {
    // Token responses must not be cached (RFC 6749 5.1).
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.getResponseHeaders().set("Pragma", "no-cache");
    send(ex, status, "application/json", body);
  }

  private static void html(HttpExchange ex, int status, String body) throws IOException {
    String page =
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Acme SSO</title></head><body>"
            + body
            + "</body></html>";
    send(ex, status, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange ex, int status, String type, byte[] body)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  static String s256(String verifier) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes(s)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] bytes(String s) {
    return s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
  }

  private static String random() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
