package dev.agentbroker.testkit.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentbroker.testkit.oidc.ActionsOidcIssuer.Run;
import io.jsonwebtoken.ExpiredJwtException;
import io.jsonwebtoken.JwtException;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ActionsOidcIssuerTest extends OidcHarness {
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  @Test
  void discoveryDocumentNamesTheIssuerAndItsJwks() {
    HttpResponse<String> r = get(oidc.issuer() + "/.well-known/openid-configuration", null);
    assertEquals(200, r.statusCode());
    assertEquals(
        "application/json; charset=utf-8", r.headers().firstValue("content-type").orElseThrow());
    JsonNode d = json(r.body());
    assertEquals(oidc.issuer(), d.get("issuer").asText());
    assertEquals(oidc.jwksUri().toString(), d.get("jwks_uri").asText());
    assertEquals(oidc.issuer() + "/.well-known/jwks", d.get("jwks_uri").asText());
    assertEquals(List.of("id_token"), strings(d.get("response_types_supported")));
    assertEquals(List.of("public", "pairwise"), strings(d.get("subject_types_supported")));
    assertEquals(List.of("RS256"), strings(d.get("id_token_signing_alg_values_supported")));
    assertEquals(List.of("openid"), strings(d.get("scopes_supported")));
    List<String> claims = strings(d.get("claims_supported"));
    for (String c : List.of("sub", "repository_id", "job_workflow_ref", "environment", "nbf")) {
      assertTrue(claims.contains(c), c);
    }
    assertTrue(oidc.issuer().matches("http://127\\.0\\.0\\.1:\\d+"), oidc.issuer());
  }

  @Test
  void jwksPublishesRsaSigningKeys() {
    JsonNode keys = json(get(oidc.jwksUri().toString(), null).body()).get("keys");
    assertEquals(1, keys.size());
    JsonNode k = keys.get(0);
    assertEquals("RSA", k.get("kty").asText());
    assertEquals("RS256", k.get("alg").asText());
    assertEquals("sig", k.get("use").asText());
    assertEquals("AQAB", k.get("e").asText());
    assertEquals(oidc.currentKeyId(), k.get("kid").asText());
    assertEquals(2048, servedKeys().get(oidc.currentKeyId()).getModulus().bitLength());
    assertTrue(k.get("n").asText().matches("[A-Za-z0-9_-]+"), "base64url without padding");
  }

  @Test
  void tokenCarriesGitHubsClaimSetAndVerifiesAgainstTheServedJwks() throws IOException {
    Run run =
        Run.builder("acme", 9_000_001L, "svc-a", 700_001L)
            .sha("0123456789abcdef0123456789abcdef01234567")
            .runId(21_000_000_042L)
            .runNumber(17)
            .runAttempt(2)
            .actor("dev-alice", 4_242L)
            .build();
    String jwt = oidc.token(run, "agent-broker");

    JsonNode header = segment(jwt, 0);
    assertEquals("RS256", header.get("alg").asText());
    assertEquals("JWT", header.get("typ").asText());
    assertEquals(oidc.currentKeyId(), header.get("kid").asText());

    ObjectNode claims = (ObjectNode) verify(jwt, "agent-broker");
    assertTrue(claims.remove("jti").asText().matches("[0-9a-f-]{36}"));
    long iat = T0.getEpochSecond();
    Map<String, Object> expected = new TreeMap<>();
    expected.put("sub", "repo:acme/svc-a:ref:refs/heads/main");
    expected.put("aud", "agent-broker");
    expected.put("ref", "refs/heads/main");
    expected.put("sha", "0123456789abcdef0123456789abcdef01234567");
    expected.put("repository", "acme/svc-a");
    expected.put("repository_owner", "acme");
    expected.put("repository_owner_id", "9000001");
    expected.put("repository_visibility", "private");
    expected.put("repository_id", "700001");
    expected.put("run_id", "21000000042");
    expected.put("run_number", "17");
    expected.put("run_attempt", "2");
    expected.put("runner_environment", "self-hosted");
    expected.put("actor", "dev-alice");
    expected.put("actor_id", "4242");
    expected.put("workflow", "agent-run");
    expected.put("head_ref", "");
    expected.put("base_ref", "");
    expected.put("event_name", "workflow_dispatch");
    expected.put("ref_type", "branch");
    expected.put("ref_protected", "false");
    expected.put("workflow_ref", "acme/svc-a/.github/workflows/agent-run.yml@refs/heads/main");
    expected.put("workflow_sha", "0123456789abcdef0123456789abcdef01234567");
    expected.put("job_workflow_ref", "acme/svc-a/.github/workflows/agent-run.yml@refs/heads/main");
    expected.put("job_workflow_sha", "0123456789abcdef0123456789abcdef01234567");
    expected.put("iss", oidc.issuer());
    expected.put("iat", iat);
    expected.put("nbf", iat - 600);
    expected.put("exp", iat + 300);
    // Through JSON text on both sides, so numbers compare by value, not by Integer vs Long.
    assertEquals(
        new TreeMap<>(JSON.readValue(JSON.writeValueAsString(expected), MAP)),
        new TreeMap<>(JSON.convertValue(claims, MAP)));
  }

  @Test
  void reusableWorkflowAndEnvironmentClaims() {
    Run run =
        acmeRun().toBuilder()
            .environment("prod")
            .jobWorkflowRef("acme/shared/.github/workflows/agent.yml@refs/tags/v2")
            .jobWorkflowSha("fedcba9876543210fedcba9876543210fedcba98")
            .build();
    JsonNode c = verify(oidc.token(run, "agent-broker"), "agent-broker");
    assertEquals("prod", c.get("environment").asText());
    assertEquals(
        "acme/shared/.github/workflows/agent.yml@refs/tags/v2", c.get("job_workflow_ref").asText());
    assertEquals("fedcba9876543210fedcba9876543210fedcba98", c.get("job_workflow_sha").asText());
    assertEquals(
        "acme/svc-a/.github/workflows/agent-run.yml@refs/heads/main",
        c.get("workflow_ref").asText());
    assertTrue(verify(oidc.token(acmeRun(), "x"), "x").path("environment").isMissingNode());
  }

  /** The subject's shapes, classic and immutable. */
  enum Subject {
    CLASSIC_REF(b -> b, "repo:acme/svc-a:ref:refs/heads/main"),
    IMMUTABLE_REF(
        b -> b.immutableSubject(true), "repo:acme@9000001/svc-a@700001:ref:refs/heads/main"),
    CLASSIC_TAG(b -> b.ref("refs/tags/v1.2").refType("tag"), "repo:acme/svc-a:ref:refs/tags/v1.2"),
    CLASSIC_ENVIRONMENT(b -> b.environment("prod"), "repo:acme/svc-a:environment:prod"),
    IMMUTABLE_ENVIRONMENT(
        b -> b.environment("prod").immutableSubject(true),
        "repo:acme@9000001/svc-a@700001:environment:prod"),
    CLASSIC_PULL_REQUEST(
        b -> b.eventName("pull_request").ref("refs/pull/7/merge").headRef("fix").baseRef("main"),
        "repo:acme/svc-a:pull_request"),
    IMMUTABLE_PULL_REQUEST(
        b -> b.eventName("pull_request").ref("refs/pull/7/merge").immutableSubject(true),
        "repo:acme@9000001/svc-a@700001:pull_request"),
    ENVIRONMENT_WINS_OVER_PULL_REQUEST(
        b -> b.eventName("pull_request").environment("review"),
        "repo:acme/svc-a:environment:review");

    final UnaryOperator<RunBuilder> run;
    final String sub;

    Subject(UnaryOperator<RunBuilder> run, String sub) {
      this.run = run;
      this.sub = sub;
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Subject.class)
  void subjectClaim(Subject s) {
    Run run = s.run.apply(acmeRun().toBuilder()).build();
    JsonNode c = verify(oidc.token(run, "agent-broker"), "agent-broker");
    assertEquals(s.sub, c.get("sub").asText());
    assertEquals("acme/svc-a", c.get("repository").asText(), "the repository claim keeps names");
  }

  @Test
  void rotationKeepsOldTokensVerifiableUntilTheOldKeyIsRemoved() {
    String oldKid = oidc.currentKeyId();
    String before = oidc.token(acmeRun(), "agent-broker");
    String newKid = oidc.rotateKey();
    String after = oidc.token(acmeRun(), "agent-broker");

    assertNotEquals(oldKid, newKid);
    assertEquals(newKid, oidc.currentKeyId());
    assertEquals(newKid, segment(after, 0).get("kid").asText());
    assertEquals(2, servedKeys().size());
    verify(before, "agent-broker");
    verify(after, "agent-broker");

    oidc.removeKey(oldKid);
    assertEquals(List.of(newKid), List.copyOf(servedKeys().keySet()));
    assertThrows(JwtException.class, () -> verify(before, "agent-broker"));
    verify(after, "agent-broker");
    assertThrows(IllegalArgumentException.class, () -> oidc.removeKey(newKid));
  }

  @Test
  void jwksDownAnswers503WhileDiscoveryStaysUp() {
    oidc.faults().jwksDown(true);
    assertEquals(503, get(oidc.jwksUri().toString(), null).statusCode());
    assertEquals(200, get(oidc.issuer() + "/.well-known/openid-configuration", null).statusCode());
    oidc.faults().jwksDown(false);
    assertEquals(200, get(oidc.jwksUri().toString(), null).statusCode());
    assertEquals(2, oidc.jwksRequests());
  }

  @Test
  void tokensExpireFiveMinutesAfterIssueByTheInjectedClock() {
    String jwt = oidc.token(acmeRun(), "agent-broker");
    clock.advance(Duration.ofMinutes(4).plusSeconds(59));
    verify(jwt, "agent-broker");
    // jjwt still accepts the exact second of exp; one more second and it must refuse.
    clock.advance(Duration.ofSeconds(2));
    assertThrows(ExpiredJwtException.class, () -> verify(jwt, "agent-broker"));

    String longer = oidc.token(acmeRun(), "agent-broker", Duration.ofMinutes(30));
    JsonNode c = segment(longer, 1);
    assertEquals(1800, c.get("exp").asLong() - c.get("iat").asLong());
  }

  @Test
  void wrongAudienceDoesNotVerify() {
    String jwt = oidc.token(acmeRun(), "sts.amazonaws.com");
    assertThrows(JwtException.class, () -> verify(jwt, "agent-broker"));
  }

  @Test
  void writeJwksWritesWhatIsServed(@TempDir Path tmp) throws IOException {
    oidc.rotateKey();
    Path file = oidc.writeJwks(tmp.resolve("jwks.json"));
    assertEquals(json(get(oidc.jwksUri().toString(), null).body()), json(Files.readString(file)));
    assertEquals(servedKeys().keySet(), parseJwks(Files.readString(file)).keySet());
  }

  @Test
  void runValidatesItsValues() {
    assertThrows(
        IllegalArgumentException.class, () -> acmeRun().toBuilder().visibility("secret").build());
    assertThrows(IllegalArgumentException.class, () -> acmeRun().toBuilder().refType("x").build());
    assertThrows(
        IllegalArgumentException.class, () -> acmeRun().toBuilder().environment(" ").build());
    assertThrows(IllegalArgumentException.class, () -> Run.builder("acme", 0, "svc-a", 1).build());
    assertEquals(acmeRun(), acmeRun().toBuilder().build());
    assertTrue(acmeRun().sha().matches("[0-9a-f]{40}"));
  }

  private static List<String> strings(JsonNode array) {
    return JSON.convertValue(array, new TypeReference<List<String>>() {});
  }
}
