package dev.agentbroker.broker.breakglass.signin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The broker as an OpenID Connect relying party (confidential client, authorization code flow):
 *
 * <ol>
 *   <li>Discovery from {@code <issuer>/.well-known/openid-configuration}; its {@code issuer} must
 *       equal the configured one exactly, and every endpoint must be https (http only on loopback).
 *       Cached once it succeeded.
 *   <li>The authorization URL carries {@code state}, {@code nonce} and the S256 challenge of a
 *       fresh PKCE verifier (RFC 7636).
 *   <li>The code is exchanged with client_secret_basic and the verifier; the answer's {@code
 *       id_token} is verified by smallrye-jwt against the provider's JWKS: signature (RS256/ES256
 *       only), {@code iss}, {@code aud} containing the client id, {@code exp}; then {@code nonce}
 *       must equal ours and {@code azp}, if present or if there are several audiences, our client.
 * </ol>
 *
 * Nothing here logs a code, token or secret; failures carry only a reason name.
 */
final class OidcRelyingParty {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_RESPONSE = 256 * 1024;

  /** A sign-in that cannot complete; {@code reason} is stable and safe to show. */
  static final class SignInFailure extends Exception {
    private static final long serialVersionUID = 1L;

    SignInFailure(String reason) {
      super(reason, null, false, false);
    }

    String reason() {
      return getMessage();
    }
  }

  private record Provider(URI authorize, URI token, DefaultJWTParser idTokens) {}

  private final SignInSettings settings;
  private final int clockSkewSeconds;
  private final HttpClient http;
  private volatile Provider provider;

  OidcRelyingParty(SignInSettings settings, int clockSkewSeconds) {
    this.settings = settings;
    this.clockSkewSeconds = clockSkewSeconds;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(settings.timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  URI authorizationUrl(Sessions.PendingSignIn p) throws SignInFailure {
    Map<String, String> q = new LinkedHashMap<>();
    q.put("response_type", "code");
    q.put("client_id", settings.clientId());
    q.put("redirect_uri", settings.redirectUri());
    q.put("scope", String.join(" ", settings.scopes()));
    q.put("state", p.state());
    q.put("nonce", p.nonce());
    q.put("code_challenge", s256(p.verifier()));
    q.put("code_challenge_method", "S256");
    URI base = provider().authorize();
    return URI.create(base + (base.getRawQuery() == null ? "?" : "&") + form(q));
  }

  /** Exchanges {@code code} and verifies the ID token; returns its verified claims. */
  JsonWebToken redeem(String code, Sessions.PendingSignIn p) throws SignInFailure {
    Provider pr = provider();
    Map<String, String> f = new LinkedHashMap<>();
    f.put("grant_type", "authorization_code");
    f.put("code", code);
    f.put("redirect_uri", settings.redirectUri());
    f.put("code_verifier", p.verifier());
    String basic = enc(settings.clientId()) + ":" + enc(settings.clientSecret()); // RFC 6749 2.3.1
    HttpRequest req =
        HttpRequest.newBuilder(pr.token())
            .timeout(settings.timeout())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)))
            .POST(HttpRequest.BodyPublishers.ofString(form(f)))
            .build();
    JsonNode answer = fetchJson(req, "token_request_failed");
    JsonNode idToken = answer.get("id_token");
    if (idToken == null || !idToken.isTextual()) {
      throw new SignInFailure("no_id_token");
    }
    JsonWebToken t;
    try {
      t = pr.idTokens().parse(idToken.asText());
    } catch (ParseException e) {
      throw new SignInFailure("id_token_invalid");
    }
    if (!Sessions.same(p.nonce(), stringClaim(t, "nonce"))) {
      throw new SignInFailure("nonce_mismatch");
    }
    String azp = stringClaim(t, "azp");
    if ((azp != null || t.getAudience().size() > 1) && !settings.clientId().equals(azp)) {
      throw new SignInFailure("azp_mismatch");
    }
    if (t.getSubject() == null || t.getSubject().isEmpty()) {
      throw new SignInFailure("id_token_invalid");
    }
    return t;
  }

  static String stringClaim(JsonWebToken t, String name) {
    Object v = t.getClaim(name);
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof jakarta.json.JsonString js) {
      return js.getString();
    }
    return null;
  }

  private Provider provider() throws SignInFailure {
    Provider p = provider;
    if (p != null) {
      return p;
    }
    synchronized (this) {
      if (provider == null) {
        provider = discover();
      }
      return provider;
    }
  }

  private Provider discover() throws SignInFailure {
    String issuer = settings.issuer();
    String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(base + "/.well-known/openid-configuration"))
            .timeout(settings.timeout())
            .header("Accept", "application/json")
            .GET()
            .build();
    JsonNode d = fetchJson(req, "discovery_failed");
    if (!issuer.equals(text(d, "issuer"))) {
      throw new SignInFailure("discovery_issuer_mismatch");
    }
    URI authorize = endpoint(d, "authorization_endpoint");
    URI token = endpoint(d, "token_endpoint");
    URI jwks = endpoint(d, "jwks_uri");
    JWTAuthContextInfo ctx = new JWTAuthContextInfo(jwks.toString(), issuer);
    ctx.setExpectedAudience(new LinkedHashSet<>(Set.of(settings.clientId())));
    ctx.setSignatureAlgorithm(Set.of(SignatureAlgorithm.RS256, SignatureAlgorithm.ES256));
    ctx.setClockSkew(clockSkewSeconds);
    // As for caller issuers (CallerAuthenticator): RSA keys under 2048 bits from the provider's
    // JWKS are refused, whatever the library's default.
    ctx.setRelaxVerificationKeyValidation(false);
    return new Provider(
        authorize, token, new DefaultJWTParser(ctx, new DefaultJWTCallerPrincipalFactory()));
  }

  private JsonNode fetchJson(HttpRequest req, String reason) throws SignInFailure {
    try {
      HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200 || r.body().length > MAX_RESPONSE) {
        throw new SignInFailure(reason);
      }
      JsonNode n = JSON.readTree(r.body());
      if (n == null || !n.isObject()) {
        throw new SignInFailure(reason);
      }
      return n;
    } catch (IOException e) {
      throw new SignInFailure(reason);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SignInFailure(reason);
    }
  }

  private static URI endpoint(JsonNode d, String name) throws SignInFailure {
    String v = text(d, name);
    URI u;
    try {
      u = v == null ? null : URI.create(v);
    } catch (IllegalArgumentException e) {
      u = null;
    }
    boolean ok =
        u != null
            && u.getHost() != null
            && ("https".equals(u.getScheme())
                || ("http".equals(u.getScheme())
                    && (u.getHost().equals("localhost") || u.getHost().equals("127.0.0.1"))));
    if (!ok) {
      throw new SignInFailure("discovery_invalid");
    }
    return u;
  }

  private static String text(JsonNode n, String name) {
    JsonNode v = n.get(name);
    return v != null && v.isTextual() ? v.asText() : null;
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

  private static String form(Map<String, String> m) {
    StringBuilder s = new StringBuilder();
    m.forEach((k, v) -> s.append(s.isEmpty() ? "" : "&").append(enc(k)).append('=').append(enc(v)));
    return s.toString();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
