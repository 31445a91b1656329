package dev.agentbroker.broker;

import static dev.agentbroker.broker.BrokerTestEnv.AUDIENCE;
import static dev.agentbroker.broker.BrokerTestEnv.LAUNCHER_ISS;
import static dev.agentbroker.broker.BrokerTestEnv.launcher;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentbroker.testkit.CallerTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every malformed input answered with the right status and stable code, as problem+json, and with
 * nothing minted. One table per endpoint.
 */
@QuarkusTest
@WithTestResource(BrokerTestEnv.class)
class MalformedInputTest {
  static final String OK =
      "{\"owner\":\"acme\",\"repositories\":[\"svc-a\"],\"permissions\":{\"contents\":\"read\"}}";

  record Case(Supplier<String> auth, String contentType, String body, int status, String code) {}

  static Supplier<String> good() {
    return () -> "Bearer " + launcher("agent-launcher");
  }

  static Supplier<String> jwt(Supplier<String> s) {
    return () -> "Bearer " + s.get();
  }

  static Arguments row(String name, Supplier<String> auth, String body, int status, String code) {
    return Arguments.of(Named.of(name, new Case(auth, "application/json", body, status, code)));
  }

  static Stream<Arguments> bodyCases() {
    StringBuilder many = new StringBuilder("[");
    for (int i = 0; i < 501; i++) {
      many.append(i == 0 ? "" : ",").append("\"r").append(i).append('"');
    }
    many.append(']');
    return Stream.of(
        row("bad JSON", good(), "{\"owner\":", 400, "invalid_request"),
        row("empty body", good(), "", 400, "invalid_request"),
        row("array body", good(), "[]", 400, "invalid_request"),
        row("trailing garbage", good(), OK + " {}", 400, "invalid_request"),
        row(
            "unknown field",
            good(),
            "{\"owner\":\"acme\",\"repositories\":[\"svc-a\"],\"permissions\":{\"contents\":\"read\"},\"admin\":true}",
            400,
            "invalid_request"),
        row(
            "unknown permission",
            good(),
            "{\"owner\":\"acme\",\"repositories\":[\"svc-a\"],\"permissions\":{\"contentz\":\"read\"}}",
            400,
            "invalid_request"),
        row(
            "admin where not allowed",
            good(),
            "{\"owner\":\"acme\",\"repositories\":[\"svc-a\"],\"permissions\":{\"contents\":\"admin\"}}",
            400,
            "invalid_request"),
        row(
            "level not a string",
            good(),
            "{\"owner\":\"acme\",\"repositories\":[\"svc-a\"],\"permissions\":{\"contents\":1}}",
            400,
            "invalid_request"),
        row(
            "501 repositories",
            good(),
            "{\"owner\":\"acme\",\"repositories\":"
                + many
                + ",\"permissions\":{\"contents\":\"read\"}}",
            400,
            "invalid_request"),
        row(
            "owner/repo in the name list",
            good(),
            "{\"owner\":\"acme\",\"repositories\":[\"acme/svc-a\"],\"permissions\":{\"contents\":\"read\"}}",
            400,
            "invalid_request"),
        row(
            "empty repository list",
            good(),
            "{\"owner\":\"acme\",\"repositories\":[],\"permissions\":{\"contents\":\"read\"}}",
            400,
            "invalid_request"),
        row(
            "missing repositories",
            good(),
            "{\"owner\":\"acme\",\"permissions\":{\"contents\":\"read\"}}",
            400,
            "invalid_request"),
        row(
            "empty permissions",
            good(),
            "{\"owner\":\"acme\",\"repositories\":[\"svc-a\"],\"permissions\":{}}",
            400,
            "invalid_request"),
        row(
            "repository ids as strings",
            good(),
            "{\"owner\":\"acme\",\"repository_ids\":[\"1\"],\"permissions\":{\"contents\":\"read\"}}",
            400,
            "invalid_request"),
        row(
            "two owners (array)",
            good(),
            "{\"owner\":[\"acme\",\"other\"],\"repositories\":[\"svc-a\"],\"permissions\":{\"contents\":\"read\"}}",
            400,
            "invalid_request"),
        row(
            "two owners (duplicate key)",
            good(),
            "{\"owner\":\"acme\",\"owner\":\"other\",\"repositories\":[\"svc-a\"],\"permissions\":{\"contents\":\"read\"}}",
            400,
            "invalid_request"),
        row(
            "repository outside the grant",
            good(),
            "{\"owner\":\"acme\",\"repositories\":[\"release-tools\"],\"permissions\":{\"contents\":\"read\"}}",
            403,
            "policy_denied"),
        row(
            "permission above the grant",
            good(),
            "{\"owner\":\"acme\",\"repositories\":[\"svc-a\"],\"permissions\":{\"issues\":\"write\"}}",
            403,
            "policy_denied"),
        row(
            "owner outside the grant",
            good(),
            "{\"owner\":\"octocat\",\"repositories\":[\"hello-world\"],\"permissions\":{\"contents\":\"read\"}}",
            403,
            "policy_denied"),
        row(
            "body over the parser's 128 KiB cap (valid JSON, 200 KiB of whitespace)",
            good(),
            OK + " ".repeat(200 * 1024),
            400,
            "invalid_request"),
        row("missing JWT", () -> null, OK, 401, "unauthenticated"),
        row(
            "bearer token over 16 KiB (under the server's 20 KiB header limit)",
            () -> "Bearer " + token(b -> b.claim("pad", "x".repeat(13 * 1024))),
            OK,
            401,
            "unauthenticated"),
        row("not a bearer", () -> "Basic dXNlcjpwYXNz", OK, 401, "unauthenticated"),
        row("garbage JWT", () -> "Bearer not.a.jwt", OK, 401, "unauthenticated"),
        row(
            "expired JWT",
            jwt(() -> token(b -> b.issuedAt(ago(600)).expiresAt(ago(300)))),
            OK,
            401,
            "unauthenticated"),
        row(
            "not yet valid JWT",
            jwt(() -> token(b -> b.notBefore(Instant.now().plusSeconds(600)))),
            OK,
            401,
            "unauthenticated"),
        row(
            "wrong audience",
            jwt(() -> token(b -> b.audience("someone-else"))),
            OK,
            401,
            "unauthenticated"),
        row(
            "forged: stranger's key",
            jwt(
                () ->
                    CallerTokens.rs256(LAUNCHER_ISS, BrokerTestEnv.strangerKey.getPrivate())
                        .subject("agent-launcher")
                        .audience(AUDIENCE)
                        .issuedAt(Instant.now())
                        .expiresAt(Instant.now().plusSeconds(300))
                        .sign()),
            OK,
            401,
            "unauthenticated"),
        row(
            "forged: another trusted issuer's key claiming launcher",
            jwt(
                () ->
                    CallerTokens.rs256(LAUNCHER_ISS, BrokerTestEnv.humanKey.getPrivate())
                        .subject("agent-launcher")
                        .audience(AUDIENCE)
                        .issuedAt(Instant.now())
                        .expiresAt(Instant.now().plusSeconds(300))
                        .sign()),
            OK,
            401,
            "unauthenticated"),
        row(
            "alg none",
            jwt(
                () ->
                    CallerTokens.unsignedAlgNone(
                        LAUNCHER_ISS, "agent-launcher", AUDIENCE, Instant.now().plusSeconds(300))),
            OK,
            401,
            "unauthenticated"),
        row(
            "HS256 keyed with the public key",
            jwt(
                () ->
                    CallerTokens.hs256WithPublicKey(
                        LAUNCHER_ISS,
                        "agent-launcher",
                        AUDIENCE,
                        Instant.now().plusSeconds(300),
                        BrokerTestEnv.launcherKey.getPublic())),
            OK,
            401,
            "unauthenticated"),
        row(
            "unknown issuer",
            jwt(
                () ->
                    CallerTokens.rs256("https://evil.test", BrokerTestEnv.strangerKey.getPrivate())
                        .subject("agent-launcher")
                        .audience(AUDIENCE)
                        .issuedAt(Instant.now())
                        .expiresAt(Instant.now().plusSeconds(300))
                        .sign()),
            OK,
            401,
            "unauthenticated"),
        row(
            "no subject",
            jwt(
                () ->
                    CallerTokens.rs256(LAUNCHER_ISS, BrokerTestEnv.launcherKey.getPrivate())
                        .audience(AUDIENCE)
                        .issuedAt(Instant.now())
                        .expiresAt(Instant.now().plusSeconds(300))
                        .sign()),
            OK,
            401,
            "unauthenticated"));
  }

  static Instant ago(long seconds) {
    return Instant.now().minusSeconds(seconds);
  }

  static String token(java.util.function.UnaryOperator<CallerTokens.Builder> tweak) {
    Instant now = Instant.now();
    CallerTokens.Builder b =
        CallerTokens.rs256(LAUNCHER_ISS, BrokerTestEnv.launcherKey.getPrivate())
            .subject("agent-launcher")
            .audience(AUDIENCE)
            .issuedAt(now)
            .expiresAt(now.plusSeconds(300));
    return tweak.apply(b).sign();
  }

  static Stream<Arguments> withMediaTypeCases() {
    List<Arguments> all = new ArrayList<>(bodyCases().toList());
    all.add(
        Arguments.of(
            Named.of(
                "text/plain body",
                new Case(good(), "text/plain", OK, 415, "unsupported_media_type"))));
    return all.stream();
  }

  private static RequestSpecification request(Case c) {
    RequestSpecification s = given().contentType(c.contentType()).body(c.body());
    String auth = c.auth().get();
    return auth == null ? s : s.header("Authorization", auth);
  }

  @ParameterizedTest(name = "POST /token: {0}")
  @MethodSource("withMediaTypeCases")
  void mintTable(Case c) {
    int before = BrokerTestEnv.sim.mintRequests().size();
    request(c)
        .post("/token")
        .then()
        .statusCode(c.status())
        .contentType("application/problem+json")
        .body("code", equalTo(c.code()))
        .body("status", equalTo(c.status()));
    assertEquals(before, BrokerTestEnv.sim.mintRequests().size(), "nothing minted");
  }

  @ParameterizedTest(name = "POST /token/explain: {0}")
  @MethodSource("withMediaTypeCases")
  void explainTable(Case c) {
    int before = BrokerTestEnv.sim.mintRequests().size();
    var r = request(c).post("/token/explain");
    if (c.status() == 403) {
      // explain answers a policy denial as a successful explanation, not an error
      r.then().statusCode(200).body("decision", equalTo("denied"));
    } else {
      r.then()
          .statusCode(c.status())
          .contentType("application/problem+json")
          .body("code", equalTo(c.code()));
    }
    assertEquals(before, BrokerTestEnv.sim.mintRequests().size(), "explain never mints");
  }

  static Stream<Arguments> revokeCases() {
    return Stream.of(
        Arguments.of(
            Named.of("missing JWT", (Supplier<String>) () -> null),
            "lease_0123456789abcdef0123456789abcdef",
            401,
            "unauthenticated"),
        Arguments.of(
            Named.of(
                "expired JWT", jwt(() -> token(b -> b.issuedAt(ago(600)).expiresAt(ago(300))))),
            "lease_0123456789abcdef0123456789abcdef",
            401,
            "unauthenticated"),
        Arguments.of(Named.of("malformed lease id", good()), "../../etc", 404, "not_found"),
        Arguments.of(
            Named.of("malformed lease id (long)", good()),
            "lease_" + "a".repeat(200),
            404,
            "not_found"),
        Arguments.of(
            Named.of("unknown lease", good()),
            "lease_0123456789abcdef0123456789abcdef",
            404,
            "not_found"),
        Arguments.of(
            Named.of("caller with no identity", jwt(() -> launcher("nobody"))),
            "lease_0123456789abcdef0123456789abcdef",
            404,
            "not_found"));
  }

  @ParameterizedTest(name = "DELETE /token/'{'id'}': {0}")
  @MethodSource("revokeCases")
  void revokeTable(Supplier<String> auth, String leaseId, int status, String code) {
    RequestSpecification s = given();
    String a = auth.get();
    if (a != null) {
      s = s.header("Authorization", a);
    }
    s.delete("/token/" + leaseId)
        .then()
        .statusCode(status)
        .contentType("application/problem+json")
        .body("code", equalTo(code));
  }

  /** Above the HTTP server's 1 MiB limit the body is never read, let alone parsed or minted. */
  @org.junit.jupiter.api.Test
  void bodyOverTheServerLimitIsRefusedUnread() {
    int before = BrokerTestEnv.sim.mintRequests().size();
    given()
        .contentType("application/json")
        .header("Authorization", good().get())
        .body(OK + " ".repeat(1024 * 1024 + 1))
        .post("/token")
        .then()
        .statusCode(413);
    assertEquals(before, BrokerTestEnv.sim.mintRequests().size(), "nothing minted");
  }

  /** Headers above the HTTP server's limit never reach the authenticator. */
  @org.junit.jupiter.api.Test
  void headersOverTheServerLimitAreRefusedUnread() {
    int before = BrokerTestEnv.sim.mintRequests().size();
    given()
        .contentType("application/json")
        .header("Authorization", "Bearer " + token(b -> b.claim("pad", "x".repeat(24 * 1024))))
        .body(OK)
        .post("/token")
        .then()
        .statusCode(431);
    assertEquals(before, BrokerTestEnv.sim.mintRequests().size(), "nothing minted");
  }
}
