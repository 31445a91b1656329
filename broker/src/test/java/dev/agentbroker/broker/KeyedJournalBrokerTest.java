package dev.agentbroker.broker;

import static dev.agentbroker.broker.BrokerTestEnv.bearer;
import static dev.agentbroker.broker.BrokerTestEnv.launcher;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.audit.JournalKey;
import dev.agentbroker.audit.JournalVerifier;
import dev.agentbroker.audit.VerifyResult;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The running broker with a journal key: start-up reads {@code broker.audit.integrity.key-file},
 * the journal starts with a genesis record, mints are journaled as keyed records, the shipper
 * authenticates them and HEC receives them, and the journal verifies with the key.
 */
@QuarkusTest
@WithTestResource(KeyedJournalBrokerTest.Keyed.class)
class KeyedJournalBrokerTest {
  static Path keyFile;

  /** The shared environment plus a journal key and a checkpoint after every record. */
  public static class Keyed extends BrokerTestEnv {
    @Override
    public Map<String, String> start() {
      Map<String, String> c = new HashMap<>(super.start());
      try {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        keyFile = dir.resolve("journal.key");
        Files.writeString(keyFile, Base64.getEncoder().encodeToString(key));
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      c.put("broker.audit.integrity.key-file", keyFile.toString());
      c.put("broker.audit.integrity.checkpoint-every", "1");
      return c;
    }
  }

  @Test
  void keyedJournalIsWrittenShippedAndVerifies() throws Exception {
    String lease =
        given()
            .header("Authorization", bearer(launcher("agent-launcher")))
            .contentType("application/json")
            .body(
                "{\"owner\":\"acme\",\"repositories\":[\"docs\"],\"permissions\":{\"issues\":\"read\"}}")
            .post("/token")
            .then()
            .statusCode(201)
            .extract()
            .path("lease_id");
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                BrokerTestEnv.hec.received().stream()
                    .anyMatch(e -> e.event().toString().contains(lease)));
    assertTrue(
        BrokerTestEnv.hec.received().stream()
            .anyMatch(e -> e.event().toString().contains("audit.journal.genesis")),
        "the genesis record is shipped like any event");
    Path journal = BrokerTestEnv.dir.resolve("journal");
    JournalKey key = JournalKey.fromFile(keyFile);
    // The checkpoint thread may trail the last append by one file write.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                JournalVerifier.verify(journal, JournalVerifier.Options.keyed(key))
                        .checkpointSequence()
                    > 1);
    VerifyResult r = JournalVerifier.verify(journal, JournalVerifier.Options.keyed(key));
    assertEquals(VerifyResult.Verdict.OK, r.verdict(), r.toString());
    assertEquals(0, r.unkeyedRecords());
    assertTrue(r.journalId().isPresent());
    assertEquals(
        VerifyResult.Verdict.KEY_REQUIRED, JournalVerifier.verify(journal).verdict(), "unkeyed");
  }
}
