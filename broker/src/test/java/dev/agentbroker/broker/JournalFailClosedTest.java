package dev.agentbroker.broker;

import static dev.agentbroker.broker.BrokerTestEnv.bearer;
import static dev.agentbroker.broker.BrokerTestEnv.launcher;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Journal first, at the HTTP level: when the journal cannot be written, POST /token answers 503
 * audit_unavailable, GitHub is never called, readiness goes down, and minting resumes once the
 * journal can be written again. The journal is broken the way a real disk would break it: the
 * segment it must rotate into cannot be created (a directory sits at its path), which fails even
 * for root, unlike permission bits.
 */
@QuarkusTest
@WithTestResource(JournalFailClosedTest.TinySegments.class)
class JournalFailClosedTest {
  private static final String BODY =
      "{\"owner\":\"acme\",\"repositories\":[\"docs\"],\"permissions\":{\"contents\":\"read\"}}";
  private static final Pattern SEGMENT = Pattern.compile("segment-(\\d{20})\\.jsonl");

  /** The shared environment, with segments so small that every batch rotates. */
  public static class TinySegments extends BrokerTestEnv {
    @Override
    public Map<String, String> start() {
      Map<String, String> c = new HashMap<>(super.start());
      c.put("broker.audit.segment-max-bytes", "1");
      return c;
    }
  }

  private static Path journal() {
    return BrokerTestEnv.dir.resolve("journal");
  }

  private static long lastSequence() throws Exception {
    long max = 0;
    try (Stream<Path> s = Files.list(journal())) {
      for (Path p : s.toList()) {
        Matcher m = SEGMENT.matcher(p.getFileName().toString());
        if (m.matches()) {
          long first = Long.parseLong(m.group(1));
          long lines = Files.isRegularFile(p) ? Files.readAllLines(p).size() : 0;
          max = Math.max(max, first + lines - 1);
        }
      }
    }
    return max;
  }

  private static io.restassured.response.Response mint() {
    return given()
        .header("Authorization", bearer(launcher("agent-launcher")))
        .contentType("application/json")
        .body(BODY)
        .post("/token");
  }

  @Test
  void unwritableJournalRefusesMintsAndRecovers() throws Exception {
    mint().then().statusCode(201);
    Path blocker = journal().resolve(String.format("segment-%020d.jsonl", lastSequence() + 1));
    Files.createDirectory(blocker);
    int activeBefore = BrokerTestEnv.sim.activeTokenCount();
    mint()
        .then()
        .statusCode(503)
        .contentType("application/problem+json")
        .body("code", equalTo("audit_unavailable"));
    // The intent is queued, not awaited (ADR 0016): the mint that discovers the failure may have
    // called GitHub, but the token it got could not be journaled and was revoked.
    assertEquals(activeBefore, BrokerTestEnv.sim.activeTokenCount(), "nothing issued survives");
    int mintsBefore = BrokerTestEnv.sim.mintRequests().size();
    mint()
        .then()
        .statusCode(503)
        .contentType("application/problem+json")
        .body("code", equalTo("audit_unavailable"));
    assertEquals(
        mintsBefore,
        BrokerTestEnv.sim.mintRequests().size(),
        "once the journal is known to fail, the intent is awaited: GitHub never called");
    assertEquals(activeBefore, BrokerTestEnv.sim.activeTokenCount());
    given().get("/q/health/ready").then().statusCode(503);
    Files.delete(blocker);
    mint().then().statusCode(201);
    given().get("/q/health/ready").then().statusCode(200);
  }
}
