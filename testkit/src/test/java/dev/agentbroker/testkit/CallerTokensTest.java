package dev.agentbroker.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class CallerTokensTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final KeyPair RSA = TestKeys.rsa2048();
  private static final Instant IAT = Instant.parse("2025-06-01T12:00:00Z");

  private static JsonNode part(String jwt, int i) throws Exception {
    return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.", -1)[i]));
  }

  private static boolean jdkVerifies(
      String alg, java.security.PublicKey key, String jwt, boolean der) throws Exception {
    int dot = jwt.lastIndexOf('.');
    byte[] sig = Base64.getUrlDecoder().decode(jwt.substring(dot + 1));
    Signature s = Signature.getInstance(alg);
    s.initVerify(key);
    s.update(jwt.substring(0, dot).getBytes(StandardCharsets.US_ASCII));
    return s.verify(der ? sig : sig);
  }

  @Test
  void rs256CarriesAllClaims() throws Exception {
    String jwt =
        CallerTokens.rs256("https://issuer.example", RSA.getPrivate())
            .subject("agent-7")
            .audience("agent-broker")
            .claim("task", "T-1")
            .issuedAt(IAT)
            .notBefore(IAT)
            .expiresAt(IAT.plusSeconds(300))
            .keyId("k1")
            .sign();
    JsonNode h = part(jwt, 0);
    JsonNode p = part(jwt, 1);
    assertEquals("RS256", h.get("alg").asText());
    assertEquals("k1", h.get("kid").asText());
    assertEquals("https://issuer.example", p.get("iss").asText());
    assertEquals("agent-7", p.get("sub").asText());
    assertEquals("agent-broker", p.get("aud").asText());
    assertEquals("T-1", p.get("task").asText());
    assertEquals(IAT.getEpochSecond(), p.get("iat").asLong());
    assertEquals(IAT.getEpochSecond(), p.get("nbf").asLong());
    assertEquals(IAT.getEpochSecond() + 300, p.get("exp").asLong());
    assertTrue(jdkVerifies("SHA256withRSA", RSA.getPublic(), jwt, false));
  }

  @Test
  void es256IsSignedWithP256() throws Exception {
    KeyPair ec = TestKeys.ecP256();
    String jwt = CallerTokens.es256("iss", ec.getPrivate()).subject("s").sign();
    assertEquals("ES256", part(jwt, 0).get("alg").asText());
    // JWS ES256 signatures are raw R||S, 64 bytes.
    assertEquals(64, Base64.getUrlDecoder().decode(jwt.split("\\.")[2]).length);
    assertTrue(part(jwt, 1).has("exp"));
  }

  @Test
  void algNoneHasEmptySignature() throws Exception {
    String jwt = CallerTokens.unsignedAlgNone("iss", "sub", "aud", IAT.plusSeconds(60));
    assertTrue(jwt.endsWith("."));
    assertEquals("none", part(jwt, 0).get("alg").asText());
    assertEquals("sub", part(jwt, 1).get("sub").asText());
    assertEquals(IAT.getEpochSecond() + 60, part(jwt, 1).get("exp").asLong());
  }

  @Test
  void hs256ForgeryIsKeyedWithThePublicKeyBytes() throws Exception {
    String jwt =
        CallerTokens.hs256WithPublicKey("iss", "sub", "aud", IAT.plusSeconds(60), RSA.getPublic());
    assertEquals("HS256", part(jwt, 0).get("alg").asText());
    int dot = jwt.lastIndexOf('.');
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(RSA.getPublic().getEncoded(), "HmacSHA256"));
    String expected =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(mac.doFinal(jwt.substring(0, dot).getBytes(StandardCharsets.US_ASCII)));
    assertEquals(expected, jwt.substring(dot + 1));
    assertFalse(jdkVerifiesQuietly(jwt));
  }

  private static boolean jdkVerifiesQuietly(String jwt) {
    try {
      return jdkVerifies("SHA256withRSA", RSA.getPublic(), jwt, false);
    } catch (Exception e) {
      return false;
    }
  }
}
