package dev.agentbroker.tierb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentbroker.audit.FileJournal;
import dev.agentbroker.policy.Caller;
import dev.agentbroker.request.ErrorCode;
import dev.agentbroker.request.RequestMeta;
import dev.agentbroker.testkit.MutableClock;
import dev.agentbroker.testkit.TestKeys;
import dev.agentbroker.testkit.github.GitHubSimulator;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** apply-branch-protection only ever strengthens (ADR 0012), against the simulated GitHub. */
class ApplyBranchProtectionTest {
  static final String POLICY =
      """
      version: 1
      identities:
        - id: ci-release
          issuer: https://ci.test
          subject: "release-bot"
          profile: ci
      verbs:
        apply-branch-protection: {allowed_identities: [ci-release], rate: "30/hour", params: {owner: [acme], repo: "svc-.*", branch: ".*"}}
      """;
  static final String EXISTING =
      """
      {"required_status_checks": {"strict": false, "contexts": ["A", "B"]},
       "enforce_admins": false,
       "required_pull_request_reviews": {"required_approving_review_count": 2,
         "require_code_owner_reviews": true, "dismiss_stale_reviews": false},
       "restrictions": {"users": ["octocat"], "teams": ["platform"], "apps": []},
       "allow_force_pushes": true, "required_conversation_resolution": true}
      """;
  static final ObjectMapper JSON = new ObjectMapper();
  static KeyPair appKey;

  final MutableClock clock = new MutableClock(Instant.now());
  final Caller release = new Caller("https://ci.test", "release-bot", Map.of());
  final RequestMeta meta = new RequestMeta("r1", "127.0.0.1");
  @TempDir Path dir;
  VerbServiceFixture fixture;
  GitHubSimulator sim;
  FileJournal journal;
  VerbService service;

  @BeforeAll
  static void keys() {
    appKey = TestKeys.rsa2048();
  }

  @BeforeEach
  void start() throws Exception {
    fixture = new VerbServiceFixture(POLICY, appKey, clock, dir);
    sim = fixture.sim;
    journal = fixture.journal;
    service = fixture.service;
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  VerbOutcome apply(String branchJson) throws Exception {
    String b = branchJson == null ? "" : ",\"branch\":" + branchJson;
    return service.call(
        release,
        "apply-branch-protection",
        JSON.readTree("{\"owner\":\"acme\",\"repo\":\"svc-a\"" + b + "}"),
        null,
        meta);
  }

  JsonNode protection(String branch) throws Exception {
    return JSON.readTree(sim.branchProtection("acme", "svc-a", branch).orElseThrow());
  }

  @Test
  void strongerExistingProtectionIsKeptAndOnlyStrengthened() throws Exception {
    sim.protectBranch("acme", "svc-a", "main", EXISTING);
    VerbOutcome o = apply(null);
    VerbOutcome.Answered a = assertInstanceOf(VerbOutcome.Answered.class, o, o::toString);
    assertEquals("completed", a.body().get("status").asText(), a.body().toString());
    JsonNode p = protection("main");
    assertEquals("[\"A\",\"B\"]", p.at("/required_status_checks/contexts").toString());
    assertEquals(2, p.at("/required_pull_request_reviews/required_approving_review_count").asInt());
    assertTrue(p.at("/required_pull_request_reviews/require_code_owner_reviews").asBoolean());
    assertEquals("octocat", p.at("/restrictions/users/0/login").asText());
    assertEquals("platform", p.at("/restrictions/teams/0/slug").asText());
    assertTrue(p.at("/required_conversation_resolution/enabled").asBoolean());
    // ... and strengthened to the baseline where it was weaker.
    assertTrue(p.at("/enforce_admins/enabled").asBoolean());
    assertTrue(p.at("/required_pull_request_reviews/dismiss_stale_reviews").asBoolean());
    assertFalse(p.at("/allow_force_pushes/enabled").asBoolean());
    assertTrue(p.at("/required_linear_history/enabled").asBoolean());
    assertEquals("GET", a.body().at("/steps/0/method").asText());
    assertEquals("PUT", a.body().at("/steps/1/method").asText());
  }

  @Test
  void unprotectedBranchGetsTheBaselineAndASecondCallChangesNothing() throws Exception {
    VerbOutcome.Answered first = assertInstanceOf(VerbOutcome.Answered.class, apply(null));
    assertEquals("completed", first.body().get("status").asText(), first.body().toString());
    assertEquals(
        1,
        protection("main")
            .at("/required_pull_request_reviews/required_approving_review_count")
            .asInt());
    long puts = puts();
    VerbOutcome.Answered second = assertInstanceOf(VerbOutcome.Answered.class, apply(null));
    assertEquals(200, second.status());
    assertEquals("unchanged", second.body().get("status").asText(), second.body().toString());
    assertEquals(puts, puts(), "no PUT when the current setting is already as strong");
    assertTrue(
        fixture.readJournal().contains("\"reason\":\"unchanged\""), "the no-op is journaled");
  }

  @Test
  void branchesWithSlashesAreEncodedAndPinnable() throws Exception {
    sim.addBranch("acme", "svc-a", "release/v1");
    VerbOutcome.Answered a = assertInstanceOf(VerbOutcome.Answered.class, apply("\"release/v1\""));
    assertEquals("completed", a.body().get("status").asText(), a.body().toString());
    assertTrue(protection("release/v1").at("/enforce_admins/enabled").asBoolean());
    assertEquals(
        "/repos/acme/svc-a/branches/release/v1/protection", a.body().at("/steps/1/path").asText());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\"..\"", "\"%2e%2e\"", "\"a/../b\"", "\"\"", "\"a//b\"", "\".hidden\"", "\"x.lock\"",
        "\"a b\"", "\"a\\u0000b\"", "\"a\\nb\"", "\"/main\"", "\"main/\"", "\"a@{b\"", "\"HEAD\"",
        "\"ma~in\"", "\"a?b\"", "\"a..b\""
      })
  void badBranchNamesAreRefusedBeforeAnyHttpCall(String branch) throws Exception {
    int before = sim.requests().size();
    VerbOutcome.Refused r = assertInstanceOf(VerbOutcome.Refused.class, apply(branch));
    assertEquals(ErrorCode.INVALID_REQUEST, r.code());
    assertEquals("invalid_fields", r.reason());
    assertEquals("/branch", r.violations().get(0).field());
    assertEquals(before, sim.requests().size(), "no HTTP call at all");
    assertTrue(sim.mintRequests().isEmpty());
  }

  private long puts() {
    return sim.requests().stream().filter(q -> q.method().equals("PUT")).count();
  }
}
