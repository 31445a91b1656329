package dev.agentbroker.broker.custody;

import static dev.agentbroker.broker.BrokerTestEnv.bearer;
import static dev.agentbroker.broker.BrokerTestEnv.launcher;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.agentbroker.broker.BrokerTestEnv;
import dev.agentbroker.testkit.TestKeys;
import dev.agentbroker.tiera.keys.AppJwtSigner;
import dev.agentbroker.tiera.keys.PemSourceAppJwtSigner;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.security.KeyPair;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code broker.key.source=vault-kv}: the PEM comes from KV v2 and lives only in memory; a new KV
 * version is picked up without a restart and the old GitHub key can be removed without a failed
 * mint (the cached JWT signed with it is rejected once and re-signed with the new key).
 */
@QuarkusTest
@WithTestResource(KvTestEnv.class)
class KvCustodyTest {
  static final String BODY =
      "{\"owner\":\"acme\",\"repositories\":[\"docs\"],\"permissions\":{\"contents\":\"read\"}}";

  @Inject AppJwtSigner appSigner;
  @Inject KeyCustody custody;

  static void mint201() {
    given()
        .header("Authorization", bearer(launcher("agent-launcher")))
        .contentType("application/json")
        .body(BODY)
        .post("/token")
        .then()
        .statusCode(201);
  }

  @Test
  void mintsRotatesWithoutRestartAndNeverLogsThePem() throws Exception {
    mint201();
    PemSourceAppJwtSigner signer = assertInstanceOf(PemSourceAppJwtSigner.class, appSigner);
    String before = signer.currentFingerprint();
    KeyPair next = TestKeys.rsa2048();
    BrokerTestEnv.sim.addAppKey(next.getPublic());
    String pem = TestKeys.pkcs1Pem(next.getPrivate());
    KvTestEnv.bao.putKv("secret", KvTestEnv.KV_PATH, Map.of("private_key", pem));
    custody.refresh();
    assertNotEquals(before, signer.currentFingerprint());
    BrokerTestEnv.sim.removeAppKey(BrokerTestEnv.appKey.getPublic());
    for (int i = 0; i < 3; i++) {
      mint201();
    }
    given().get("/q/health/ready").then().statusCode(200);
    KvTestEnv.bao.down();
    custody.refresh();
    given().get("/q/health/ready").then().statusCode(503);
    KvTestEnv.bao.up();
    custody.refresh();
    given().get("/q/health/ready").then().statusCode(200);
    String log = Files.readString(BrokerTestEnv.logFile);
    for (String s : new String[] {pem, TestKeys.pkcs1Pem(BrokerTestEnv.appKey.getPrivate())}) {
      for (String line : s.split("\n")) {
        if (!line.startsWith("-----") && line.length() > 20) {
          assertFalse(log.contains(line), "PEM line leaked");
        }
      }
    }
    assertFalse(log.contains(KvTestEnv.secretId), "secret_id leaked");
    assertEquals(
        1,
        KvTestEnv.bao.requests().stream()
            .filter(r -> r.path().equals("/v1/auth/approle/login"))
            .count(),
        "one login, then the cached token");
  }
}
