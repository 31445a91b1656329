package dev.agentbroker.testkit.openbao;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentbroker.testkit.MutableClock;
import dev.agentbroker.testkit.TestKeys;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpenBaoSimulatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final KeyPair app = TestKeys.rsa2048();
  private OpenBaoSimulator bao;
  private String roleId;

  record Answer(int status, JsonNode body) {}

  @BeforeEach
  void start() throws IOException {
    bao = OpenBaoSimulator.start(clock);
    roleId =
        bao.createAppRole(
            "broker",
            List.of("transit/sign/gh", "transit/keys/gh", "secret/data/gh"),
            Duration.ofMinutes(10),
            Duration.ofMinutes(30));
    bao.importTransitKey("gh", app);
    bao.putKv("secret", "gh", Map.of("private_key", "PEM v1"));
  }

  @AfterEach
  void stop() {
    bao.close();
  }

  private Answer call(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(bao.baseUri() + "/v1/" + path));
    if (token != null) {
      b.header("X-Vault-Token", token);
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), JSON.readTree(r.body()));
  }

  private String login(String secretId) throws Exception {
    Answer a =
        call(
            "POST",
            "auth/approle/login",
            null,
            JSON.writeValueAsString(Map.of("role_id", roleId, "secret_id", secretId)));
    assertEquals(200, a.status());
    assertEquals(600, a.body().at("/auth/lease_duration").asInt());
    assertTrue(a.body().at("/auth/renewable").asBoolean());
    assertTrue(a.body().at("/auth/accessor").isTextual());
    return a.body().at("/auth/client_token").asText();
  }

  @Test
  void appRoleLoginThenKvReadWithTheVaultEnvelope() throws Exception {
    String token = login(bao.secretId(roleId));
    Answer kv = call("GET", "secret/data/gh", token, null);
    assertEquals(200, kv.status());
    assertEquals("PEM v1", kv.body().at("/data/data/private_key").asText());
    assertEquals(1, kv.body().at("/data/metadata/version").asInt());
    bao.putKv("secret", "gh", Map.of("private_key", "PEM v2"));
    assertEquals(
        "PEM v2",
        call("GET", "secret/data/gh", token, null).body().at("/data/data/private_key").asText());
    assertEquals(
        "PEM v1",
        call("GET", "secret/data/gh?version=1", token, null)
            .body()
            .at("/data/data/private_key")
            .asText());
    assertEquals(403, call("GET", "secret/data/nope", token, null).status());
    assertEquals(404, call("GET", "secret/data/nope", bao.rootToken(), null).status());
  }

  @Test
  void missingBadOrUnauthorisedTokensGet403PermissionDenied() throws Exception {
    Answer none = call("GET", "secret/data/gh", null, null);
    assertEquals(403, none.status());
    assertEquals("permission denied", none.body().at("/errors/0").asText());
    assertEquals(403, call("GET", "secret/data/gh", "s.bogus", null).status());
    String token = login(bao.secretId(roleId));
    assertEquals(403, call("GET", "secret/data/other", token, null).status());
    Answer bad =
        call(
            "POST",
            "auth/approle/login",
            null,
            "{\"role_id\":\"" + roleId + "\",\"secret_id\":\"wrong\"}");
    assertEquals(400, bad.status());
    assertEquals("invalid secret id", bad.body().at("/errors/0").asText());
  }

  @Test
  void wrappedSecretIdUnwrapsExactlyOnceAndExpires() throws Exception {
    String wrapped = bao.wrappedSecretId(roleId, Duration.ofMinutes(5));
    Answer first = call("POST", "sys/wrapping/unwrap", wrapped, null);
    assertEquals(200, first.status());
    String secretId = first.body().at("/data/secret_id").asText();
    login(secretId);
    Answer again = call("POST", "sys/wrapping/unwrap", wrapped, null);
    assertEquals(400, again.status());
    assertEquals(
        "wrapping token is not valid or does not exist", again.body().at("/errors/0").asText());
    String late = bao.wrappedSecretId(roleId, Duration.ofMinutes(5));
    clock.advance(Duration.ofMinutes(6));
    assertEquals(400, call("POST", "sys/wrapping/unwrap", late, null).status());
  }

  @Test
  void tokensExpireRenewUpToMaxTtlAndLookUpThemselves() throws Exception {
    String token = login(bao.secretId(roleId));
    Answer look = call("GET", "auth/token/lookup-self", token, null);
    assertEquals(600, look.body().at("/data/ttl").asInt());
    clock.advance(Duration.ofMinutes(8));
    Answer renewed = call("POST", "auth/token/renew-self", token, "{}");
    assertEquals(200, renewed.status());
    assertEquals(600, renewed.body().at("/auth/lease_duration").asInt());
    clock.advance(Duration.ofMinutes(8));
    assertEquals(200, call("GET", "secret/data/gh", token, null).status());
    clock.advance(Duration.ofMinutes(20));
    assertEquals(403, call("GET", "secret/data/gh", token, null).status());
  }

  @Test
  void transitSignsForRealSingleBatchAndPrehashed() throws Exception {
    String token = login(bao.secretId(roleId));
    byte[] input = "header.payload".getBytes(StandardCharsets.US_ASCII);
    String b64 = Base64.getEncoder().encodeToString(input);
    Answer one =
        call(
            "POST",
            "transit/sign/gh",
            token,
            "{\"input\":\""
                + b64
                + "\",\"signature_algorithm\":\"pkcs1v15\",\"hash_algorithm\":\"sha2-256\"}");
    assertEquals(200, one.status());
    assertVerifies(one.body().at("/data/signature").asText(), input, 1);
    Answer batch =
        call(
            "POST",
            "transit/sign/gh",
            token,
            "{\"batch_input\":[{\"input\":\"" + b64 + "\"}],\"signature_algorithm\":\"pkcs1v15\"}");
    assertVerifies(batch.body().at("/data/batch_results/0/signature").asText(), input, 1);
    String digest =
        Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(input));
    Answer pre =
        call(
            "POST",
            "transit/sign/gh/sha2-256",
            token,
            "{\"input\":\""
                + digest
                + "\",\"prehashed\":true,\"signature_algorithm\":\"pkcs1v15\"}");
    assertVerifies(pre.body().at("/data/signature").asText(), input, 1);
    Answer pss = call("POST", "transit/sign/gh", token, "{\"input\":\"" + b64 + "\"}");
    assertEquals(
        400, pss.status(), "OpenBao's RSA default is pss; the broker must ask for pkcs1v15");
  }

  @Test
  void transitKeyReadListsVersionsAndRotationSignsWithTheLatest() throws Exception {
    String token = login(bao.secretId(roleId));
    int v2 = bao.rotateTransitKey("gh");
    Answer key = call("GET", "transit/keys/gh", token, null);
    assertEquals(2, key.body().at("/data/latest_version").asInt());
    assertEquals("rsa-2048", key.body().at("/data/type").asText());
    assertTrue(
        key.body().at("/data/keys/2/public_key").asText().startsWith("-----BEGIN PUBLIC KEY"));
    byte[] input = "x.y".getBytes(StandardCharsets.US_ASCII);
    Answer s =
        call(
            "POST",
            "transit/sign/gh",
            token,
            "{\"input\":\""
                + Base64.getEncoder().encodeToString(input)
                + "\",\"signature_algorithm\":\"pkcs1v15\"}");
    assertVerifies(s.body().at("/data/signature").asText(), input, v2);
  }

  @Test
  void faultsDownUpAndInjectedStatus() throws Exception {
    String token = login(bao.secretId(roleId));
    bao.down();
    assertThrows(IOException.class, () -> call("GET", "secret/data/gh", token, null));
    bao.up();
    assertEquals(200, call("GET", "secret/data/gh", token, null).status());
    bao.faults().failNext(1, 503);
    assertEquals(503, call("GET", "secret/data/gh", token, null).status());
    assertEquals(200, call("GET", "secret/data/gh", token, null).status());
  }

  private void assertVerifies(String vaultSig, byte[] input, int version) throws Exception {
    String prefix = "vault:v" + version + ":";
    assertTrue(vaultSig.startsWith(prefix), vaultSig);
    Signature v = Signature.getInstance("SHA256withRSA");
    v.initVerify(bao.transitPublicKey("gh", version));
    v.update(input);
    assertTrue(v.verify(Base64.getDecoder().decode(vaultSig.substring(prefix.length()))));
  }
}
