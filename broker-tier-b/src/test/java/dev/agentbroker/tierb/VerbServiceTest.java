package dev.agentbroker.tierb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentbroker.audit.AuditEvent;
import dev.agentbroker.audit.FileJournal;
import dev.agentbroker.audit.JournalReader;
import dev.agentbroker.audit.JournalRecord;
import dev.agentbroker.policy.Caller;
import dev.agentbroker.request.ErrorCode;
import dev.agentbroker.request.RequestMeta;
import dev.agentbroker.testkit.MutableClock;
import dev.agentbroker.testkit.TestKeys;
import dev.agentbroker.testkit.github.GitHubSimulator;
import dev.agentbroker.testkit.github.MintRequest;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tier B end to end below HTTP: real policy, journal and limiter; simulated GitHub. */
class VerbServiceTest {
  static final String POLICY =
      """
      version: 1
      identities:
        - id: ci-release
          issuer: https://ci.test
          subject: "release-bot"
          profile: ci
          grants: []
        - id: other
          issuer: https://ci.test
          subject: "other-bot"
          profile: ci
          grants: []
        - id: fleet
          issuer: https://ci.test
          subject: "fleet-.*"
          profile: ci
          grants: []
      verbs:
        create-repo: {allowed_identities: [ci-release, fleet], rate: "3/hour", params: {owner: [acme], name: "[a-z][a-z0-9-]{2,62}", visibility: [private, internal]}}
        set-repo-metadata: {allowed_identities: [ci-release], rate: "30/hour", params: {owner: [acme], repo: ".*"}}
        grant-team-access: {allowed_identities: [ci-release], rate: "30/hour", params: {owner: [acme], repo: ".*", team: [platform, docs-writers], permission: [pull, push]}}
        apply-branch-protection: {allowed_identities: [ci-release, other], rate: "30/hour", params: {owner: [acme], repo: "svc-.*", branch: [main, release/v1]}}
      """;
  static final ObjectMapper JSON = new ObjectMapper();
  static KeyPair appKey;

  final MutableClock clock = new MutableClock(Instant.now());
  final Caller release = new Caller("https://ci.test", "release-bot", Map.of());
  final Caller other = new Caller("https://ci.test", "other-bot", Map.of());
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

  static JsonNode body(String json) throws Exception {
    return JSON.readTree(json);
  }

  VerbOutcome create(String name, String key) throws Exception {
    return service.call(
        release,
        "create-repo",
        body("{\"owner\":\"acme\",\"name\":\"" + name + "\",\"topics\":[\"agents\"]}"),
        key,
        meta);
  }

  @Test
  void createRepoWithAnInstallationWideJitTokenThatIsRevoked() throws Exception {
    VerbOutcome.Answered a = assertInstanceOf(VerbOutcome.Answered.class, create("new-svc", null));
    assertEquals(201, a.status(), a.body().toString());
    assertEquals("completed", a.body().get("status").asText());
    assertTrue(sim.repositoryExists("acme", "new-svc"));
    assertEquals(List.of("agents"), sim.adminRepo("acme", "new-svc").orElseThrow().topics());
    assertTrue(
        sim.branchProtection("acme", "new-svc", "main")
            .orElseThrow()
            .contains("\"required_approving_review_count\":1"));
    MintRequest jit = sim.mintRequests().get(0);
    assertEquals(
        Map.of("administration", "write"), jit.permissions(), "exactly the verb's permissions");
    assertEquals(0, sim.activeTokenCount(), "the JIT token is revoked after the call");
    String journalText = fixture.readJournal();
    assertTrue(journalText.contains("\"action\":\"verb.create-repo\""));
    assertTrue(journalText.contains("\"reason\":\"intent\""));
    assertTrue(journalText.contains("\"reason\":\"completed\""));
  }

  @Test
  void repositoryScopedVerbsGetRepositoryScopedTokens() throws Exception {
    VerbOutcome o =
        service.call(
            release,
            "grant-team-access",
            body("{\"owner\":\"acme\",\"repo\":\"svc-a\",\"team\":\"platform\"}"),
            null,
            meta);
    VerbOutcome.Answered a = assertInstanceOf(VerbOutcome.Answered.class, o, o::toString);
    assertEquals(200, a.status(), a.body().toString());
    MintRequest jit = sim.mintRequests().get(0);
    assertEquals(List.of("svc-a"), jit.repositories());
    assertEquals(Map.of("administration", "write", "members", "read"), jit.permissions());
    assertEquals("push", sim.teamAccess().get("acme/platform->acme/svc-a"));
  }

  @Test
  void anUnwritableJournalRefusesTheCallBeforeAnyGitHubCall() throws Exception {
    journal.close(); // the journal's own refusal: what a full disk or lost fsync produces
    int before = sim.requests().size();
    VerbOutcome o = create("unjournaled", null);
    VerbOutcome.Refused r = assertInstanceOf(VerbOutcome.Refused.class, o, o::toString);
    assertEquals(ErrorCode.AUDIT_UNAVAILABLE, r.code());
    assertTrue(r.reason().startsWith("audit_"), r.reason());
    assertEquals(before, sim.requests().size(), "no token minted, nothing created");
    assertFalse(sim.repositoryExists("acme", "unjournaled"));
  }

  @Test
  void dryRunReturnsThePlanAndMakesNoGitHubCall() throws Exception {
    int before = sim.requests().size();
    VerbOutcome o =
        service.call(
            release,
            "create-repo",
            body("{\"owner\":\"acme\",\"name\":\"planned\",\"dry_run\":true}"),
            null,
            meta);
    VerbOutcome.Answered a = assertInstanceOf(VerbOutcome.Answered.class, o);
    assertEquals(200, a.status());
    assertEquals("/orgs/acme/repos", a.body().get("plan").get(0).get("path").asText());
    assertEquals("PUT", a.body().get("plan").get(1).get("method").asText());
    assertEquals(before, sim.requests().size(), "the simulator saw nothing");
  }

  @Test
  void theSameKeyFromAnotherCallerOfTheSameIdentityIsNotAReplay() throws Exception {
    // Two subjects matching one identity: before, records were keyed by identity, so fleet-b got
    // fleet-a's answer (and learnt the repository it created) instead of its own call.
    JsonNode b = body("{\"owner\":\"acme\",\"name\":\"fleet-repo\",\"visibility\":\"private\"}");
    Caller a = new Caller("https://ci.test", "fleet-a", Map.of());
    Caller c = new Caller("https://ci.test", "fleet-b", Map.of());
    VerbOutcome first = service.call(a, "create-repo", b, "shared-key", meta);
    assertInstanceOf(VerbOutcome.Answered.class, first);
    VerbOutcome second = service.call(c, "create-repo", b, "shared-key", meta);
    Map<String, String> h =
        second instanceof VerbOutcome.Answered x
            ? x.headers()
            : ((VerbOutcome.Refused) second).headers();
    assertFalse("true".equals(h.get("Idempotent-Replayed")), "not a's answer");
    long creates = sim.requests().stream().filter(r -> r.path().equals("/orgs/acme/repos")).count();
    assertEquals(2, creates, "b's call ran on its own");
    VerbOutcome.Answered again =
        assertInstanceOf(
            VerbOutcome.Answered.class, service.call(a, "create-repo", b, "shared-key", meta));
    assertEquals("true", again.headers().get("Idempotent-Replayed"), "a's own retry replays");
  }

  @Test
  void idempotentRetryCreatesOnce() throws Exception {
    VerbOutcome.Answered first = (VerbOutcome.Answered) create("once-only", "key-1");
    VerbOutcome.Answered second = (VerbOutcome.Answered) create("once-only", "key-1");
    assertEquals(first.body().toString(), second.body().toString());
    assertEquals("true", second.headers().get("Idempotent-Replayed"));
    long creates = sim.requests().stream().filter(r -> r.path().equals("/orgs/acme/repos")).count();
    assertEquals(1, creates);
    VerbOutcome.Refused conflict =
        assertInstanceOf(VerbOutcome.Refused.class, create("different", "key-1"));
    assertEquals(ErrorCode.CONFLICT, conflict.code());
  }

  @Test
  void rateLimitExhaustsAndRecoversWithTheClock() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertInstanceOf(VerbOutcome.Answered.class, create("repo-" + i, null));
    }
    VerbOutcome.Refused r = assertInstanceOf(VerbOutcome.Refused.class, create("repo-3", null));
    assertEquals(ErrorCode.RATE_LIMITED, r.code());
    assertEquals("0", r.headers().get("RateLimit-Remaining"));
    Duration wait = r.retryAfter().orElseThrow();
    assertTrue(
        wait.compareTo(Duration.ofMinutes(19)) > 0 && wait.compareTo(Duration.ofMinutes(21)) < 0,
        wait.toString());
    assertFalse(sim.repositoryExists("acme", "repo-3"));
    clock.advance(Duration.ofMinutes(20));
    assertInstanceOf(VerbOutcome.Answered.class, create("repo-3", null));
  }

  @Test
  void partialFailureReportsWhatExists() throws Exception {
    sim.faults().failNextMatching("/topics", 5, 500);
    VerbOutcome.Answered a =
        assertInstanceOf(VerbOutcome.Answered.class, create("half-done", null));
    assertEquals(502, a.status());
    assertEquals("partial_failure", a.body().get("status").asText());
    assertEquals(201, a.body().get("steps").get(0).get("status").asInt());
    assertTrue(sim.repositoryExists("acme", "half-done"), "the repository exists and is reported");
    assertEquals(0, sim.activeTokenCount(), "revoked even after a failure");
  }

  @Test
  void policyDenialsNameTheReason() throws Exception {
    assertEquals(
        "verb_not_granted",
        reason(
            service.call(
                other, "create-repo", body("{\"owner\":\"acme\",\"name\":\"abc\"}"), null, meta)));
    assertEquals(
        "parameter_not_allowed",
        reason(
            service.call(
                release,
                "create-repo",
                body("{\"owner\":\"octocat\",\"name\":\"abc\"}"),
                null,
                meta)));
    assertEquals(
        "parameter_not_allowed",
        reason(
            service.call(
                release,
                "create-repo",
                body("{\"owner\":\"acme\",\"name\":\"Bad_Name\"}"),
                null,
                meta)));
    assertEquals(
        "parameter_not_allowed",
        reason(
            service.call(
                release,
                "grant-team-access",
                body("{\"owner\":\"acme\",\"repo\":\"svc-a\",\"team\":\"security\"}"),
                null,
                meta)));
    assertEquals(
        "parameter_not_allowed",
        reason(
            service.call(
                other,
                "apply-branch-protection",
                body("{\"owner\":\"acme\",\"repo\":\"web-a\"}"),
                null,
                meta)));
    // Fail-open before the policy decided: a parameter the rule does not list (template) was
    // skipped, not rejected.
    assertEquals(
        "parameter_not_allowed",
        reason(
            service.call(
                release,
                "create-repo",
                body("{\"owner\":\"acme\",\"name\":\"abc\",\"template\":\"tmpl\"}"),
                null,
                meta)));
    assertEquals(
        "parameter_not_allowed",
        reason(
            service.call(
                other,
                "apply-branch-protection",
                body("{\"owner\":\"acme\",\"repo\":\"svc-a\",\"branch\":\"dev\"}"),
                null,
                meta)));
    assertEquals(
        "no_matching_identity",
        reason(
            service.call(
                new Caller("https://ci.test", "nobody", Map.of()),
                "create-repo",
                body("{\"owner\":\"acme\",\"name\":\"abc\"}"),
                null,
                meta)));
    assertEquals(
        "unknown_verb",
        reason(
            service.call(
                release,
                "delete-repo",
                body("{\"owner\":\"acme\",\"repo\":\"svc-a\"}"),
                null,
                meta)));
    assertTrue(sim.mintRequests().isEmpty(), "nothing minted for any denial");
    // The policy's decision is what is journaled: its reason, rule and identity.
    List<AuditEvent> denials = new java.util.ArrayList<>();
    try (JournalReader r = JournalReader.open(dir.resolve("journal"), 1)) {
      for (Optional<JournalRecord> rec = r.next(); rec.isPresent(); rec = r.next()) {
        if ("verb.create-repo".equals(rec.get().event().action())) {
          denials.add(rec.get().event());
        }
      }
    }
    assertTrue(
        denials.stream()
            .anyMatch(
                e ->
                    "parameter_not_allowed".equals(e.reason())
                        && "verbs/create-repo".equals(e.ruleId())
                        && "ci-release".equals(e.identityId())),
        denials.toString());
    assertTrue(
        denials.stream()
            .anyMatch(
                e ->
                    "no_matching_identity".equals(e.reason()) && "default-deny".equals(e.ruleId())),
        denials.toString());
  }

  private static String reason(VerbOutcome o) {
    return ((VerbOutcome.Refused) o).reason();
  }
}
