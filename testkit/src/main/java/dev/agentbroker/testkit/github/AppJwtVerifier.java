package dev.agentbroker.testkit.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies App JWTs the way GitHub does, with nothing but the JDK: deliberately independent of the
 * jjwt library the broker signs with, so a bug shared by signer and verifier cannot hide.
 *
 * <p>Order of checks mirrors GitHub's observable behaviour: the token must decode; {@code iss} must
 * name this App (else 404 "Integration not found"); {@code alg} must be RS256 and the signature
 * must verify under a current App key (else 401 "A JSON web token could not be decoded" — GitHub
 * reports a key/App mismatch that way); then the time claims.
 *
 * <p>Signature results are cached per JWT string because brokers reuse one JWT for many mints and
 * RSA verification would otherwise dominate a benchmark. Time claims are re-checked on every use,
 * and a cached result is discarded if the key that verified it has since been removed.
 */
final class AppJwtVerifier {
  /** GitHub's limit on JWT lifetime, in seconds. */
  static final long MAX_LIFETIME_SECONDS = 600;

  /** Tolerated clock skew for an {@code iat} in the future, in seconds. */
  static final long IAT_SKEW_SECONDS = 60;

  private static final int CACHE_LIMIT = 10_000;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Decoder B64URL = Base64.getUrlDecoder();

  private final long appId;
  private final String clientId;
  private final KeyRing keys;
  private final ConcurrentHashMap<String, Verified> cache = new ConcurrentHashMap<>();

  private record Verified(PublicKey key, JsonNode claims) {}

  AppJwtVerifier(long appId, String clientId, KeyRing keys) {
    this.appId = appId;
    this.clientId = clientId;
    this.keys = keys;
  }

  /** Returns normally if {@code jwt} authenticates the App at {@code nowEpoch}; else throws. */
  void verify(String jwt, long nowEpoch) {
    Verified v = cache.get(jwt);
    if (v == null || !keys.containsInstance(v.key())) {
      v = verifySignature(jwt);
      if (cache.size() >= CACHE_LIMIT) {
        cache.clear();
      }
      cache.put(jwt, v);
    }
    checkTimes(v.claims(), nowEpoch);
  }

  private Verified verifySignature(String jwt) {
    int dot1 = jwt.indexOf('.');
    int dot2 = dot1 < 0 ? -1 : jwt.indexOf('.', dot1 + 1);
    if (dot1 <= 0 || dot2 < 0 || jwt.indexOf('.', dot2 + 1) >= 0) {
      throw ApiException.jwtUndecodable();
    }
    JsonNode header = decodeObject(jwt.substring(0, dot1));
    JsonNode claims = decodeObject(jwt.substring(dot1 + 1, dot2));
    checkIssuer(claims.get("iss"));
    JsonNode alg = header.get("alg");
    if (alg == null || !"RS256".equals(alg.asText())) {
      throw ApiException.jwtUndecodable();
    }
    byte[] sig = decode(jwt.substring(dot2 + 1));
    byte[] signingInput = jwt.substring(0, dot2).getBytes(StandardCharsets.US_ASCII);
    for (PublicKey key : keys.snapshot()) {
      if (key instanceof RSAPublicKey && verifies(key, signingInput, sig)) {
        return new Verified(key, claims);
      }
    }
    throw ApiException.jwtUndecodable();
  }

  private static boolean verifies(PublicKey key, byte[] input, byte[] sig) {
    try {
      Signature s = Signature.getInstance("SHA256withRSA");
      s.initVerify(key);
      s.update(input);
      return s.verify(sig);
    } catch (GeneralSecurityException e) {
      // A malformed signature (wrong length, bad padding) is just a failed verification.
      return false;
    }
  }

  /** {@code iss} may be the numeric App id (as number or numeric string) or the client id. */
  private void checkIssuer(JsonNode iss) {
    if (iss == null || iss.isNull()) {
      throw ApiException.jwtUndecodable();
    }
    boolean ok;
    if (iss.isIntegralNumber()) {
      ok = iss.canConvertToLong() && iss.asLong() == appId;
    } else if (iss.isTextual()) {
      String s = iss.asText();
      ok = s.equals(clientId) || s.equals(Long.toString(appId));
    } else {
      ok = false;
    }
    if (!ok) {
      throw new ApiException(404, Messages.INTEGRATION_NOT_FOUND, Messages.DOCS_REST);
    }
  }

  private static void checkTimes(JsonNode claims, long now) {
    JsonNode iat = claims.get("iat");
    JsonNode exp = claims.get("exp");
    if (iat == null || !iat.isIntegralNumber() || !iat.canConvertToLong()) {
      throw new ApiException(401, Messages.IAT_INVALID, Messages.DOCS_REST);
    }
    if (exp == null || !exp.isIntegralNumber() || !exp.canConvertToLong()) {
      throw new ApiException(401, Messages.EXP_NOT_FUTURE, Messages.DOCS_REST);
    }
    long iatS = iat.asLong();
    long expS = exp.asLong();
    // GitHub answers a JWT signed by a clock running ahead with the 'iat' message.
    if (iatS > now + IAT_SKEW_SECONDS) {
      throw new ApiException(401, Messages.IAT_INVALID, Messages.DOCS_REST);
    }
    if (expS <= now) {
      throw new ApiException(401, Messages.EXP_NOT_FUTURE, Messages.DOCS_REST);
    }
    // Both readings of the 10-minute rule: lifetime as signed, and distance from GitHub's clock
    // (the latter is what bites a signer whose clock runs ahead).
    if (expS - iatS > MAX_LIFETIME_SECONDS || expS - now > MAX_LIFETIME_SECONDS) {
      throw new ApiException(401, Messages.EXP_TOO_FAR, Messages.DOCS_REST);
    }
  }

  private static JsonNode decodeObject(String segment) {
    try {
      JsonNode n = JSON.readTree(decode(segment));
      if (n == null || !n.isObject()) {
        throw ApiException.jwtUndecodable();
      }
      return n;
    } catch (java.io.IOException e) {
      throw ApiException.jwtUndecodable();
    }
  }

  private static byte[] decode(String segment) {
    try {
      return B64URL.decode(segment);
    } catch (IllegalArgumentException e) {
      throw ApiException.jwtUndecodable();
    }
  }
}
