package dev.agentbroker.broker.custody;

import static dev.agentbroker.broker.BrokerTestEnv.bearer;
import static dev.agentbroker.broker.BrokerTestEnv.launcher;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.broker.BrokerTestEnv;
import dev.agentbroker.testkit.PrivateKeyReferences;
import dev.agentbroker.testkit.TestKeys;
import dev.agentbroker.testkit.github.RecordedRequest;
import dev.agentbroker.testkit.openbao.BaoRequest;
import dev.agentbroker.tiera.keys.AppJwtSigner;
import dev.agentbroker.tiera.keys.TransitAppJwtSigner;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.lang.reflect.Field;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.Key;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code broker.key.source=vault-transit} end to end: the broker unwraps its secret_id once, logs
 * in by AppRole, has Transit sign the App JWT, and the GitHub simulator verifies it with the App
 * public key. Then OpenBao goes away and comes back, the key rotates under load, and finally the
 * log is scanned for every secret that crossed the wire.
 */
@QuarkusTest
@WithTestResource(TransitTestEnv.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TransitCustodyTest {
  static final String BODY =
      "{\"owner\":\"acme\",\"repositories\":[\"docs\"],\"permissions\":{\"contents\":\"read\"}}";
  static final List<String> minted = new ArrayList<>();
  static KeyPair rotated;

  @Inject AppJwtSigner appSigner;
  @Inject KeyCustody custody;

  @TestHTTPResource("/token")
  URL tokenUrl;

  static int mint() {
    var r =
        given()
            .header("Authorization", bearer(launcher("agent-launcher")))
            .contentType("application/json")
            .body(BODY)
            .post("/token");
    if (r.statusCode() == 201) {
      minted.add(r.path("token"));
    }
    return r.statusCode();
  }

  @Test
  @Order(1)
  void mintsWithATransitSignedAppJwtAndUnwrapsOnce() {
    assertEquals(201, mint());
    assertInstanceOf(TransitAppJwtSigner.class, appSigner);
    List<BaoRequest> signs =
        TransitTestEnv.bao.requests().stream()
            .filter(r -> r.path().equals("/v1/transit/sign/github-app"))
            .toList();
    assertEquals(1, signs.size(), "one App JWT signed, then reused");
    assertEquals(200, signs.get(0).status());
    assertTrue(signs.get(0).body().contains("\"signature_algorithm\":\"pkcs1v15\""));
    assertTrue(signs.get(0).body().contains("\"hash_algorithm\":\"sha2-256\""));
    assertEquals(
        1,
        TransitTestEnv.bao.requests().stream()
            .filter(r -> r.path().equals("/v1/sys/wrapping/unwrap"))
            .count(),
        "the wrapping token is unwrapped exactly once");
  }

  @Test
  @Order(2)
  void transitModeNeverHoldsAPrivateKey() throws Exception {
    // Type of the key source, then no key-typed field anywhere on the path, then no reference
    // to a private-key type or PEM parser in the bytecode of the path's classes.
    assertInstanceOf(TransitAppJwtSigner.class, custody.signer());
    for (Class<?> c :
        List.of(
            TransitAppJwtSigner.class,
            VaultTransitSigner.class,
            VaultAccess.class,
            VaultFailures.class)) {
      for (Field f : c.getDeclaredFields()) {
        assertFalse(Key.class.isAssignableFrom(f.getType()), c + "." + f.getName());
      }
      assertEquals(List.of(), PrivateKeyReferences.in(c), c.getSimpleName() + " references");
    }
  }

  @Test
  @Order(3)
  void openBaoDownMidRunGives503ThenRecovers() throws Exception {
    assertEquals(201, mint());
    TransitTestEnv.bao.down();
    custody.refresh();
    given().get("/q/health/ready").then().statusCode(503);
    // The App JWT signed before the outage is still valid and still used (documented).
    assertEquals(201, mint());
    // GitHub refuses that JWT now: a new one is needed and OpenBao is gone — fail closed.
    BrokerTestEnv.sim.removeAppKey(BrokerTestEnv.appKey.getPublic());
    given()
        .header("Authorization", bearer(launcher("agent-launcher")))
        .contentType("application/json")
        .body(BODY)
        .post("/token")
        .then()
        .statusCode(503)
        .body("code", org.hamcrest.Matchers.equalTo("key_unavailable"));
    BrokerTestEnv.sim.addAppKey(BrokerTestEnv.appKey.getPublic());
    TransitTestEnv.bao.up();
    assertEquals(201, mint());
    custody.refresh();
    given().get("/q/health/ready").then().statusCode(200);
  }

  @Test
  @Order(4)
  void rotationUnderConcurrentLoadHasZeroFailedMints() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger ok = new AtomicInteger();
    List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(6);
    for (int i = 0; i < 6; i++) {
      pool.submit(
          () -> {
            while (!stop.get()) {
              try {
                HttpRequest req =
                    HttpRequest.newBuilder(URI.create(tokenUrl.toString()))
                        .header("Authorization", bearer(launcher("agent-launcher")))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(BODY))
                        .build();
                HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 201) {
                  ok.incrementAndGet();
                } else {
                  failures.add(r.statusCode() + " " + r.body());
                }
              } catch (Exception e) {
                failures.add(e.toString());
              }
            }
            return null;
          });
    }
    Thread.sleep(400);
    // Runbook: add the new key to GitHub, import it as the next Transit version, drop the old.
    rotated = TestKeys.rsa2048();
    BrokerTestEnv.sim.addAppKey(rotated.getPublic());
    int v = TransitTestEnv.bao.importTransitKey(TransitTestEnv.TRANSIT_KEY, rotated);
    custody.refresh();
    Thread.sleep(400);
    BrokerTestEnv.sim.removeAppKey(BrokerTestEnv.appKey.getPublic());
    Thread.sleep(600);
    stop.set(true);
    pool.shutdown();
    assertTrue(pool.awaitTermination(20, TimeUnit.SECONDS));
    assertEquals(List.of(), failures, "no failed mint during rotation");
    assertTrue(ok.get() > 20, "load was real: " + ok.get());
    assertEquals(2, v, "the new key is Transit version 2");
    assertTrue(BrokerTestEnv.sim.distinctAppJwtsSeen() >= 2, "a new App JWT was signed");
    assertEquals(201, mint());
  }

  @Test
  @Order(5)
  void noSecretReachesTheLog() throws Exception {
    List<String> secrets = new ArrayList<>(minted);
    secrets.add(TransitTestEnv.wrappingToken);
    for (BaoRequest r : TransitTestEnv.bao.requests()) {
      String t = r.header("x-vault-token");
      if (t != null) {
        secrets.add(t);
      }
      int i = r.body().indexOf("\"secret_id\":\"");
      if (i >= 0) {
        secrets.add(r.body().substring(i + 13, r.body().indexOf('"', i + 13)));
      }
    }
    for (RecordedRequest rr : BrokerTestEnv.sim.requests()) {
      List<String> auth = rr.headers().get("authorization");
      if (auth != null) {
        auth.forEach(a -> secrets.add(a.substring(a.indexOf(' ') + 1)));
      }
    }
    for (KeyPair k : List.of(BrokerTestEnv.appKey, rotated)) {
      for (String line : TestKeys.pkcs1Pem(k.getPrivate()).split("\n")) {
        if (!line.startsWith("-----") && line.length() > 20) {
          secrets.add(line);
        }
      }
    }
    String log = Files.readString(BrokerTestEnv.logFile);
    assertTrue(log.contains("key=vault-transit"), "the start-up line names the key source");
    assertTrue(log.contains("App key source unavailable"), "the outage was logged");
    for (String s : secrets) {
      assertTrue(s.length() > 20, "secret sample too short to be meaningful");
      assertFalse(log.contains(s), "secret leaked: " + s.substring(0, 6) + "…");
    }
  }
}
