package dev.agentbroker.broker;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.broker.internal.Schedules;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A broken policy edit keeps the last good policy in force and is loud: readiness stays UP with
 * {@code policy_reload=failed}, the failure counter rises, and a {@code policy.reload} error event
 * is journaled (what the Splunk alert searches for).
 */
@QuarkusTest
@WithTestResource(BrokerTestEnv.class)
class PolicyReloadHealthTest {
  @Inject Schedules schedules;

  @Test
  void aFailedReloadIsReportedAndTheLastGoodPolicyStays() throws Exception {
    Path file = BrokerTestEnv.dir.resolve("policy.yaml");
    String good = Files.readString(file);
    double before = failures();
    try {
      // An emergency revocation with a typo: the identity's subject key is misspelt.
      Files.writeString(file, good.replace("subject: \"other-launcher\"", "subjekt: \"x\""));
      schedules.reloadPolicy();
      given()
          .get("/q/health/ready")
          .then()
          .statusCode(200)
          .body("status", equalTo("UP"))
          .body("checks.find { it.name == 'policy' }.data.policy_reload", equalTo("failed"));
      assertTrue(failures() >= before + 1, "broker_policy_reload_failures_total rose");
      String metrics = given().get("/q/metrics").asString();
      assertTrue(
          metrics.contains("broker_policy_last_reload_success_timestamp_seconds"),
          "gauge exported");
      String journal = journalText();
      assertTrue(
          journal.contains("\"action\":\"policy.reload\"")
              && journal.contains("\"reason\":\"policy_reload_failed\""),
          "the failure is journaled");
      // The last good policy still answers.
      given()
          .header("Authorization", BrokerTestEnv.bearer(BrokerTestEnv.launcher("other-launcher")))
          .contentType("application/json")
          .body(
              "{\"owner\":\"acme\",\"repositories\":[\"docs\"],\"permissions\":{\"contents\":\"read\"}}")
          .post("/token/explain")
          .then()
          .statusCode(200)
          .body("decision", equalTo("allowed"));
    } finally {
      Files.writeString(file, good);
      schedules.reloadPolicy();
    }
    given()
        .get("/q/health/ready")
        .then()
        .body("checks.find { it.name == 'policy' }.data.policy_reload", equalTo("ok"));
    // A reload that takes effect is journaled too: Splunk shows when a grant appeared.
    try {
      Files.writeString(file, good + "\n# reviewed edit\n");
      schedules.reloadPolicy();
      assertTrue(
          journalText().contains("\"reason\":\"policy_reloaded\""),
          "the successful reload is journaled");
    } finally {
      Files.writeString(file, good);
      schedules.reloadPolicy();
    }
  }

  private static double failures() {
    String metrics = given().get("/q/metrics").asString();
    Matcher m =
        Pattern.compile("(?m)^broker_policy_reload_failures_total(?:\\{[^}]*\\})? (\\S+)$")
            .matcher(metrics);
    assertTrue(m.find(), "broker_policy_reload_failures_total exported");
    return Double.parseDouble(m.group(1));
  }

  private static String journalText() throws Exception {
    StringBuilder b = new StringBuilder();
    try (Stream<Path> files = Files.walk(BrokerTestEnv.dir.resolve("journal"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        b.append(Files.readString(f));
      }
    }
    return b.toString();
  }
}
