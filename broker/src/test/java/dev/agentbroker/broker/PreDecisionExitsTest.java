package dev.agentbroker.broker;

import static dev.agentbroker.broker.BrokerTestEnv.bearer;
import static dev.agentbroker.broker.BrokerTestEnv.launcher;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ADR 0019 at the HTTP layer: every exit before a tier decides writes exactly one decision line;
 * those of authenticated callers are also journaled ({@code request.refused}, outcome denied,
 * attributed), those of unauthenticated callers never are, and their body is not even read for its
 * content type. No token text reaches either record.
 */
@QuarkusTest
@WithTestResource(BrokerTestEnv.class)
class PreDecisionExitsTest {
  static final String OK =
      "{\"owner\":\"acme\",\"repositories\":[\"svc-a\"],\"permissions\":{\"contents\":\"read\"}}";
  static final String VERB = "{\"owner\":\"acme\",\"name\":\"new-svc\",\"visibility\":\"private\"}";

  /** {@code auth}: null for none, "agent" for a valid launcher token, else the header as given. */
  record Exit(
      String auth,
      String method,
      String path,
      String contentType,
      String body,
      String idempotencyKey,
      int status,
      String code,
      String action,
      String reason) {
    boolean authenticated() {
      return "agent".equals(auth);
    }
  }

  static Arguments exit(String name, Exit e) {
    return Arguments.of(Named.of(name, e));
  }

  static Stream<Arguments> exits() {
    String json = "application/json";
    String text = "text/plain";
    String auth = "auth";
    String refused = "request.refused";
    String lease = "/token/lease_0123456789abcdef0123456789abcdef";
    return Stream.of(
        // Unauthenticated: a line, never an event; content type and body are not looked at.
        exit(
            "no token, /token",
            new Exit(
                null,
                "POST",
                "/token",
                json,
                OK,
                null,
                401,
                "unauthenticated",
                auth,
                "missing_bearer_token")),
        exit(
            "garbage token, /token, text/plain body",
            new Exit(
                "Bearer not.a.jwt",
                "POST",
                "/token",
                text,
                "{",
                null,
                401,
                "unauthenticated",
                auth,
                "untrusted_issuer")),
        exit(
            "forged token, /token/explain",
            new Exit(
                "forged",
                "POST",
                "/token/explain",
                json,
                OK,
                null,
                401,
                "unauthenticated",
                auth,
                "invalid_token")),
        exit(
            "no token, DELETE /token/{lease}",
            new Exit(
                null,
                "DELETE",
                lease,
                null,
                null,
                null,
                401,
                "unauthenticated",
                auth,
                "missing_bearer_token")),
        exit(
            "no token, /verbs, malformed body",
            new Exit(
                null,
                "POST",
                "/verbs/create-repo",
                json,
                "{",
                null,
                401,
                "unauthenticated",
                auth,
                "missing_bearer_token")),
        exit(
            "no token, /breakglass/requests",
            new Exit(
                null,
                "POST",
                "/breakglass/requests",
                text,
                "x",
                null,
                401,
                "unauthenticated",
                auth,
                "missing_bearer_token")),
        // Authenticated: journaled first, then the same line.
        exit(
            "/token malformed JSON",
            new Exit(
                "agent",
                "POST",
                "/token",
                json,
                "{\"owner\":",
                null,
                400,
                "invalid_request",
                refused,
                "malformed_json")),
        exit(
            "/token text/plain",
            new Exit(
                "agent",
                "POST",
                "/token",
                text,
                OK,
                null,
                415,
                "unsupported_media_type",
                refused,
                "unsupported_media_type")),
        exit(
            "/token no content type",
            new Exit(
                "agent",
                "POST",
                "/token",
                null,
                OK,
                null,
                415,
                "unsupported_media_type",
                refused,
                "unsupported_media_type")),
        exit(
            "/token/explain empty body",
            new Exit(
                "agent",
                "POST",
                "/token/explain",
                json,
                "",
                null,
                400,
                "invalid_request",
                refused,
                "empty_body")),
        exit(
            "/token/explain text/plain",
            new Exit(
                "agent",
                "POST",
                "/token/explain",
                text,
                OK,
                null,
                415,
                "unsupported_media_type",
                refused,
                "unsupported_media_type")),
        exit(
            "DELETE /token/{lease} malformed id",
            new Exit(
                "agent",
                "DELETE",
                "/token/lease_zz",
                null,
                null,
                null,
                404,
                "not_found",
                refused,
                "lease_not_found")),
        exit(
            "/verbs non-verb-shaped name",
            new Exit(
                "agent",
                "POST",
                "/verbs/Delete_Repo",
                json,
                VERB,
                null,
                404,
                "not_found",
                refused,
                "unknown_verb")),
        exit(
            "/verbs bad Idempotency-Key",
            new Exit(
                "agent",
                "POST",
                "/verbs/create-repo",
                json,
                VERB,
                "no spaces allowed",
                400,
                "invalid_request",
                refused,
                "invalid_idempotency_key")),
        exit(
            "/verbs text/plain",
            new Exit(
                "agent",
                "POST",
                "/verbs/create-repo",
                text,
                VERB,
                null,
                415,
                "unsupported_media_type",
                refused,
                "unsupported_media_type")),
        exit(
            "/verbs array body",
            new Exit(
                "agent",
                "POST",
                "/verbs/create-repo",
                json,
                "[]",
                null,
                400,
                "invalid_request",
                refused,
                "malformed_json")),
        exit(
            "/breakglass/requests agent token",
            new Exit(
                "agent",
                "POST",
                "/breakglass/requests",
                json,
                "{}",
                null,
                403,
                "human_required",
                refused,
                "human_required")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("exits")
  void eachExitIsRecordedOnce(Exit e) throws Exception {
    String requestId = "exit-" + UUID.randomUUID();
    String jwt = launcher("agent-launcher");
    String header =
        e.auth() == null
            ? null
            : e.authenticated()
                ? bearer(jwt)
                : "forged".equals(e.auth())
                    ? bearer(jwt.substring(0, jwt.length() - 4) + "AAAA")
                    : e.auth();
    RequestSpecification s = given().header("X-Request-Id", requestId);
    if (header != null) {
      s = s.header("Authorization", header);
    }
    if (e.contentType() != null) {
      s = s.contentType(e.contentType());
    }
    if (e.body() != null) {
      s = s.body(e.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    if (e.idempotencyKey() != null) {
      s = s.header("Idempotency-Key", e.idempotencyKey());
    }
    s.request(e.method(), e.path())
        .then()
        .statusCode(e.status())
        .contentType("application/problem+json")
        .body("code", equalTo(e.code()))
        .body("reason", equalTo(e.reason()));

    List<String> lines = ExitRecords.lines(requestId);
    assertEquals(1, lines.size(), "exactly one decision line: " + lines);
    String line = lines.get(0);
    assertTrue(line.contains("action=" + e.action() + " "), line);
    assertTrue(line.contains(" outcome=denied "), line);
    assertTrue(line.contains(" reason=" + e.reason() + " "), line);
    assertTrue(line.contains(" src="), "the client address: " + line);
    assertFalse(line.contains(jwt.substring(jwt.indexOf('.') + 1, jwt.lastIndexOf('.'))), line);
    assertFalse(line.contains(jwt.substring(jwt.lastIndexOf('.') + 1, jwt.length() - 4)), line);

    List<JsonNode> events = ExitRecords.events(requestId);
    if (!e.authenticated()) {
      assertEquals(List.of(), events, "unauthenticated traffic is never journaled");
      assertFalse(line.contains(" sub="), "no unverified claim in the line: " + line);
      return;
    }
    assertEquals(1, events.size(), "one journal event: " + events);
    JsonNode ev = events.get(0);
    assertEquals("request.refused", ev.path("action").asText());
    assertEquals("denied", ev.path("outcome").asText());
    assertEquals(e.reason(), ev.path("reason").asText());
    assertEquals(BrokerTestEnv.LAUNCHER_ISS, ev.path("issuer").asText());
    assertEquals("agent-launcher", ev.path("subject").asText());
    assertEquals("agent-launcher", ev.path("identity_id").asText());
    assertEquals(e.code(), ev.path("details").path("code").asText());
    assertTrue(
        ev.path("details").path("route").asText().startsWith(e.method() + " /"), ev.toString());
    assertFalse(ev.path("client_ip").asText("").isEmpty(), ev.toString());
    assertTrue(line.contains(" identity=agent-launcher "), line);
    String recorded = ev.toString();
    assertFalse(recorded.contains(jwt.substring(jwt.lastIndexOf('.') + 1)), "no token text");
    if (e.body() != null && e.body().length() > 2) {
      assertFalse(recorded.contains(e.body()), "no body text");
    }
  }
}
