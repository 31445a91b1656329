package dev.agentbroker.broker;

import static dev.agentbroker.broker.BrokerTestEnv.bearer;
import static dev.agentbroker.broker.BrokerTestEnv.launcher;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.testkit.TestKeys;
import dev.agentbroker.testkit.github.InstallationTokens;
import dev.agentbroker.testkit.github.RecordedRequest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Drives success, denial, GitHub failure and authentication failure paths, then scans everything
 * the broker wrote (log file, journal) for tokens, caller JWTs, App JWTs and key material.
 */
@QuarkusTest
@WithTestResource(BrokerTestEnv.class)
class NoSecretsInLogsTest {

  @Test
  void noSecretReachesLogsOrJournal() throws Exception {
    List<String> secrets = new ArrayList<>();
    String body =
        "{\"owner\":\"acme\",\"repositories\":[\"docs\"],\"permissions\":{\"contents\":\"read\"}}";
    for (int i = 0; i < 3; i++) {
      String jwt = launcher("agent-launcher");
      secrets.add(jwt);
      var r =
          given()
              .header("Authorization", bearer(jwt))
              .contentType("application/json")
              .body(body)
              .post("/token");
      r.then().statusCode(201);
      secrets.add(r.path("token"));
      String lease = r.path("lease_id");
      given().header("Authorization", bearer(jwt)).delete("/token/" + lease).then().statusCode(204);
    }
    String denied = launcher("agent-launcher");
    secrets.add(denied);
    given()
        .header("Authorization", bearer(denied))
        .contentType("application/json")
        .body(
            "{\"owner\":\"acme\",\"repositories\":[\"release-tools\"],\"permissions\":{\"contents\":\"read\"}}")
        .post("/token")
        .then()
        .statusCode(403);
    String forged = launcher("agent-launcher") + "tampered";
    secrets.add(forged.substring(0, forged.length() - 8));
    given()
        .header("Authorization", bearer(forged))
        .contentType("application/json")
        .body(body)
        .post("/token")
        .then()
        .statusCode(401);
    // Pre-decision exits (ADR 0019): a secret pasted into a malformed or wrongly typed body of an
    // authenticated caller (journaled, without body text), and a forged token on /verbs (a line).
    String inBadBody = "ghs_" + "B".repeat(36);
    String inTextBody = "ghs_" + "T".repeat(36);
    secrets.addAll(List.of(inBadBody, inTextBody));
    given()
        .header("Authorization", bearer(launcher("agent-launcher")))
        .contentType("application/json")
        .body("{\"owner\":\"" + inBadBody + "\",")
        .post("/token")
        .then()
        .statusCode(400);
    given()
        .header("Authorization", bearer(launcher("agent-launcher")))
        .contentType("text/plain")
        .body(inTextBody)
        .post("/verbs/create-repo")
        .then()
        .statusCode(415);
    String forgedVerb = launcher("agent-launcher") + "x";
    secrets.add(forgedVerb.substring(0, forgedVerb.length() - 1));
    given()
        .header("Authorization", bearer(forgedVerb))
        .contentType("application/json")
        .body("{}")
        .post("/verbs/create-repo")
        .then()
        .statusCode(401);
    BrokerTestEnv.sim.faults().failNext(3, 500);
    String failing = launcher("agent-launcher");
    secrets.add(failing);
    given()
        .header("Authorization", bearer(failing))
        .contentType("application/json")
        .body(body)
        .post("/token")
        .then()
        .statusCode(503);
    BrokerTestEnv.sim.faults().clear();
    // Secrets pasted by a caller into fields that are recorded: request id, repository name,
    // JWT subject. Each request is valid enough to be journaled as a decision.
    String inRequestId = "ghs_" + "R".repeat(36);
    String inRepo = "ghs_" + "Q".repeat(36);
    String inSubject = "ghp_" + "S".repeat(36);
    secrets.addAll(List.of(inRequestId, inRepo, inSubject));
    given()
        .header("Authorization", bearer(launcher("agent-launcher")))
        .header("X-Request-Id", inRequestId)
        .contentType("application/json")
        .body(
            "{\"owner\":\"acme\",\"repositories\":[\""
                + inRepo
                + "\"],\"permissions\":{\"contents\":\"read\"}}")
        .post("/token")
        .then()
        .statusCode(403);
    given()
        .header("Authorization", bearer(launcher(inSubject)))
        .contentType("application/json")
        .body(body)
        .post("/token")
        .then()
        .statusCode(403);
    // GitHub's 2026 stateless installation token (ghs_<appId>_<JWT>, ~520 chars, two dots) as a
    // subject: redacted whole, not only up to its first dot.
    String statelessSubject = InstallationTokens.statelessSample(424242, 51_000_001);
    secrets.add(statelessSubject);
    given()
        .header("Authorization", bearer(launcher(statelessSubject)))
        .contentType("application/json")
        .body(body)
        .post("/token")
        .then()
        .statusCode(403);
    // App JWTs and tokens as the broker sent them to GitHub.
    for (RecordedRequest rr : BrokerTestEnv.sim.requests()) {
      List<String> auth = rr.headers().get("authorization");
      if (auth != null) {
        for (String a : auth) {
          secrets.add(a.substring(a.indexOf(' ') + 1));
        }
      }
    }
    // Key material: each base64 line of the App private key PEM.
    for (String line : TestKeys.pkcs1Pem(BrokerTestEnv.appKey.getPrivate()).split("\n")) {
      if (!line.startsWith("-----") && line.length() > 20) {
        secrets.add(line);
      }
    }
    secrets.add(BrokerTestEnv.HEC_TOKEN);
    List<Path> files = new ArrayList<>();
    files.add(BrokerTestEnv.logFile);
    try (Stream<Path> j = Files.walk(BrokerTestEnv.dir.resolve("journal"))) {
      j.filter(Files::isRegularFile).forEach(files::add);
    }
    // Everything shipped to HEC as well, once the shipper has caught up with these decisions.
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(15))
        .until(() -> BrokerTestEnv.hec.received().toString().contains("[redacted sha256:"));
    StringBuilder text = new StringBuilder(BrokerTestEnv.hec.received().toString());
    for (Path f : files) {
      text.append(Files.readString(f));
    }
    String all = text.toString();
    assertTrue(all.contains("[redacted sha256:"), "caller-supplied secrets are replaced");
    assertTrue(all.contains("outcome=allowed"), "the decision log was captured");
    assertTrue(all.contains("token_sha256"), "hashes are recorded");
    for (String s : secrets) {
      assertTrue(s.length() > 20, "secret sample too short to be meaningful");
      assertFalse(all.contains(s), "secret leaked: " + s.substring(0, 8) + "…");
      // A JWT-shaped secret (caller JWTs, stateless installation tokens) leaks no segment either.
      for (String part : s.split("\\.")) {
        if (part.length() > 40 && !part.equals(s)) {
          assertFalse(all.contains(part), "part of a secret leaked: " + part.substring(0, 8));
        }
      }
    }
  }
}
