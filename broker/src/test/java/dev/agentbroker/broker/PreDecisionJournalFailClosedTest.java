package dev.agentbroker.broker;

import static dev.agentbroker.broker.BrokerTestEnv.bearer;
import static dev.agentbroker.broker.BrokerTestEnv.launcher;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * ADR 0019, item 4 at the HTTP layer: an authenticated caller's malformed request that the journal
 * cannot record is answered {@code 503 audit_unavailable} ({@code audit_io_error}, {@code
 * Retry-After: 5}), with a line naming the refusal that went unrecorded; an unauthenticated one is
 * still a {@code 401}, since it never needed the journal. The journal breaks as in {@link
 * JournalFailClosedTest}: a directory sits where the next segment must be created.
 */
@QuarkusTest
@WithTestResource(JournalFailClosedTest.TinySegments.class)
class PreDecisionJournalFailClosedTest {

  private static io.restassured.response.Response malformed(String auth, String requestId) {
    var s = given().header("X-Request-Id", requestId).contentType("application/json").body("{");
    return (auth == null ? s : s.header("Authorization", auth)).post("/token");
  }

  private static Path blockNextSegment() throws Exception {
    Path journal = BrokerTestEnv.dir.resolve("journal");
    long next = 0;
    try (Stream<Path> s = Files.list(journal)) {
      for (Path p : s.toList()) {
        String n = p.getFileName().toString();
        if (n.matches("segment-\\d{20}\\.jsonl")) {
          long first = Long.parseLong(n.substring(8, 28));
          long lines = Files.isRegularFile(p) ? Files.readAllLines(p).size() : 0;
          next = Math.max(next, first + lines);
        }
      }
    }
    return Files.createDirectory(journal.resolve(String.format("segment-%020d.jsonl", next)));
  }

  @Test
  void unrecordableExitIsAnsweredAuditUnavailable() throws Exception {
    String first = "fc-" + UUID.randomUUID();
    malformed(bearer(launcher("agent-launcher")), first)
        .then()
        .statusCode(400)
        .body("reason", equalTo("malformed_json"));
    assertEquals(1, ExitRecords.events(first).size(), "journaled while the journal works");

    Path blocker = blockNextSegment();
    try {
      String id = "fc-" + UUID.randomUUID();
      malformed(bearer(launcher("agent-launcher")), id)
          .then()
          .statusCode(503)
          .contentType("application/problem+json")
          .header("Retry-After", "5")
          .body("code", equalTo("audit_unavailable"))
          .body("reason", equalTo("audit_io_error"));
      List<String> lines = ExitRecords.lines(id);
      assertEquals(1, lines.size(), lines.toString());
      assertTrue(
          lines.get(0).contains("action=request.refused outcome=error reason=audit_io_error"),
          lines.get(0));
      assertTrue(lines.get(0).contains("unjournaled=denied/malformed_json"), lines.get(0));
      assertEquals(List.of(), ExitRecords.events(id));

      String stranger = "fc-" + UUID.randomUUID();
      malformed(null, stranger).then().statusCode(401).body("code", equalTo("unauthenticated"));
      assertEquals(1, ExitRecords.lines(stranger).size());
    } finally {
      Files.delete(blocker);
    }
    String after = "fc-" + UUID.randomUUID();
    malformed(bearer(launcher("agent-launcher")), after).then().statusCode(400);
    assertEquals(1, ExitRecords.events(after).size(), "journaled again once it can be written");
  }
}
