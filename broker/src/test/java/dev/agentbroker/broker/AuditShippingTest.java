package dev.agentbroker.broker;

import static dev.agentbroker.broker.BrokerTestEnv.bearer;
import static dev.agentbroker.broker.BrokerTestEnv.launcher;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The broker ships its journal to HEC: a mint's events arrive at the strict receiver. */
@QuarkusTest
@WithTestResource(BrokerTestEnv.class)
class AuditShippingTest {
  @Test
  void mintEventsReachHecAndShippingIsHealthy() {
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
            .allMatch(e -> "github:broker:audit".equals(e.sourcetype())),
        "default sourcetype on every event");
    given()
        .get("/q/health/group/audit-shipping")
        .then()
        .statusCode(200)
        .body("status", equalTo("UP"));
    given()
        .get("/q/metrics")
        .then()
        .body(containsString("broker_audit_hec_shipped"))
        .body(containsString("broker_audit_hec_backlog_events"));
  }
}
