package dev.agentbroker.broker.custody;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentbroker.testkit.TestKeys;
import dev.agentbroker.tiera.keys.PemSourceAppJwtSigner;
import dev.agentbroker.tiera.keys.TransitAppJwtSigner;
import io.jsonwebtoken.Jwts;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Against a real OpenBao or Vault; skipped unless {@code BAO_ADDR} and {@code BAO_TOKEN} are set
 * (docs/key-custody.md, "Running the real-server test"). It uses the token to mount {@code transit}
 * and a KV v2 engine if missing, BYOK-imports a fresh RSA key into Transit exactly as the runbook
 * says, and checks that the broker's adapters produce JWTs that verify with the public key.
 */
@EnabledIfEnvironmentVariable(named = "BAO_ADDR", matches = ".+")
@EnabledIfEnvironmentVariable(named = "BAO_TOKEN", matches = ".+")
class RealOpenBaoTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String addr = System.getenv("BAO_ADDR").replaceAll("/+$", "");
  private final String token = System.getenv("BAO_TOKEN");
  private final HttpClient http = HttpClient.newHttpClient();

  private JsonNode call(String method, String path, Object body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(addr + "/v1/" + path)).header("X-Vault-Token", token);
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
  }

  private VaultAccess access() {
    Map<String, String> p = new HashMap<>();
    p.put("quarkus.vault.url", addr);
    p.put("quarkus.vault.authentication.client-token", token);
    p.put("quarkus.vault.kv-secret-engine-mount-path", "agent-broker-it-kv");
    return VaultAccess.open(VaultStartupTest.holder(p), Clock.systemUTC());
  }

  @Test
  void transitByokImportSignsAJwtThatVerifies() throws Exception {
    call("POST", "sys/mounts/transit", Map.of("type", "transit")); // 400 if mounted: fine
    KeyPair app = TestKeys.rsa2048();
    String name = "agent-broker-it-" + System.nanoTime();
    // BYOK: RSA-OAEP(SHA-256)-wrap an ephemeral AES-256 key with the transit wrapping key, then
    // AES-KWP-wrap the PKCS#8 private key with it; ciphertext = both, concatenated, base64.
    String wrappingPem = call("GET", "transit/wrapping_key", null).at("/data/public_key").asText();
    PublicKey wrapping =
        KeyFactory.getInstance("RSA")
            .generatePublic(
                new X509EncodedKeySpec(
                    Base64.getMimeDecoder()
                        .decode(wrappingPem.replaceAll("-----[A-Z ]+-----", ""))));
    KeyGenerator g = KeyGenerator.getInstance("AES");
    g.init(256);
    SecretKey ephemeral = g.generateKey();
    Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
    oaep.init(
        Cipher.ENCRYPT_MODE,
        wrapping,
        new OAEPParameterSpec(
            "SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
    byte[] wrappedAes = oaep.doFinal(ephemeral.getEncoded());
    Cipher kwp = Cipher.getInstance("AES/KWP/NoPadding");
    kwp.init(Cipher.ENCRYPT_MODE, ephemeral);
    byte[] wrappedKey = kwp.doFinal(app.getPrivate().getEncoded());
    byte[] ct = new byte[wrappedAes.length + wrappedKey.length];
    System.arraycopy(wrappedAes, 0, ct, 0, wrappedAes.length);
    System.arraycopy(wrappedKey, 0, ct, wrappedAes.length, wrappedKey.length);
    JsonNode imported =
        call(
            "POST",
            "transit/keys/" + name + "/import",
            Map.of(
                "ciphertext", Base64.getEncoder().encodeToString(ct),
                "hash_function", "SHA256",
                "type", "rsa-2048"));
    assertTrue(imported.path("errors").isMissingNode(), imported.toString());
    VaultTransitSigner transit = new VaultTransitSigner(access(), name);
    assertEquals(1, transit.latestVersion());
    Instant now = Instant.now();
    String jwt =
        new TransitAppJwtSigner(transit).sign("424242", now.minusSeconds(60), now.plusSeconds(540));
    assertEquals(
        "424242",
        Jwts.parser()
            .verifyWith(app.getPublic())
            .build()
            .parseSignedClaims(jwt)
            .getPayload()
            .getIssuer());
  }

  @Test
  void kvV2PemIsReadAndSigns() throws Exception {
    call(
        "POST",
        "sys/mounts/agent-broker-it-kv",
        Map.of("type", "kv", "options", Map.of("version", "2")));
    KeyPair app = TestKeys.rsa2048();
    call(
        "POST",
        "agent-broker-it-kv/data/github-app",
        Map.of("data", Map.of("private_key", TestKeys.pkcs1Pem(app.getPrivate()))));
    PemSourceAppJwtSigner s =
        PemSourceAppJwtSigner.open(
            new VaultKvPemSource(access(), "github-app", "private_key"),
            Clock.systemUTC(),
            Duration.ofMinutes(1));
    Instant now = Instant.now();
    String jwt = s.sign("424242", now.minusSeconds(60), now.plusSeconds(540));
    assertEquals(
        BigInteger.ONE.signum(),
        Jwts.parser().verifyWith(app.getPublic()).build().parse(jwt) == null ? 0 : 1);
  }
}
