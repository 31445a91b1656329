package dev.agentbroker.testkit.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentbroker.testkit.MutableClock;
import dev.agentbroker.testkit.oidc.ActionsOidcIssuer.Run;
import io.jsonwebtoken.Jwts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base for issuer tests: a running issuer, a MutableClock, and a verifier built the way a relying
 * party builds one — discovery document, then the JWKS it names, parsed by hand into RSA keys, then
 * jjwt checking signature and times. Claims are compared from the raw payload JSON so their JSON
 * types (strings, not numbers) are checked too.
 */
abstract class OidcHarness {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant T0 = Instant.parse("2026-08-03T09:15:30Z");

  MutableClock clock;
  ActionsOidcIssuer oidc;
  HttpClient http;

  @BeforeEach
  void startIssuer() throws IOException {
    clock = new MutableClock(T0);
    oidc = ActionsOidcIssuer.start(clock);
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterEach
  void stopIssuer() {
    oidc.close();
  }

  static Run acmeRun() {
    return Run.builder("acme", 9_000_001L, "svc-a", 700_001L).build();
  }

  HttpResponse<String> get(String url, String authorization) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return send(b.GET().build());
  }

  HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The keys served right now, found through the discovery document like a relying party does. */
  Map<String, RSAPublicKey> servedKeys() {
    JsonNode discovery =
        json(get(oidc.issuer() + "/.well-known/openid-configuration", null).body());
    HttpResponse<String> r = get(discovery.get("jwks_uri").asText(), null);
    if (r.statusCode() != 200) {
      throw new IllegalStateException("JWKS answered " + r.statusCode());
    }
    return parseJwks(r.body());
  }

  static Map<String, RSAPublicKey> parseJwks(String jwks) {
    Map<String, RSAPublicKey> out = new HashMap<>();
    for (JsonNode k : json(jwks).get("keys")) {
      BigInteger n = new BigInteger(1, Base64.getUrlDecoder().decode(k.get("n").asText()));
      BigInteger e = new BigInteger(1, Base64.getUrlDecoder().decode(k.get("e").asText()));
      try {
        RSAPublicKey key =
            (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
        out.put(k.get("kid").asText(), key);
      } catch (GeneralSecurityException ex) {
        throw new IllegalStateException(ex);
      }
    }
    return out;
  }

  /**
   * Verifies signature, {@code iss}, {@code aud} and the times at the test clock against the served
   * JWKS (jjwt throws on any failure); returns the payload exactly as sent.
   */
  JsonNode verify(String jwt, String audience) {
    Map<String, RSAPublicKey> keys = servedKeys();
    Jwts.parser()
        .keyLocator(h -> keys.get(((io.jsonwebtoken.ProtectedHeader) h).getKeyId()))
        .requireIssuer(oidc.issuer())
        .requireAudience(audience)
        .clock(() -> Date.from(clock.instant()))
        .build()
        .parseSignedClaims(jwt);
    return segment(jwt, 1);
  }

  static JsonNode segment(String jwt, int i) {
    return json(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[i])));
  }
}
