package dev.agentbroker.tierb.breakglass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentbroker.audit.AuditEvent;
import dev.agentbroker.audit.FileJournal;
import dev.agentbroker.audit.JournalConfig;
import dev.agentbroker.audit.JournalReader;
import dev.agentbroker.audit.JournalRecord;
import dev.agentbroker.policy.CompiledPolicy;
import dev.agentbroker.policy.PolicyCompiler;
import dev.agentbroker.request.ErrorCode;
import dev.agentbroker.request.RequestMeta;
import dev.agentbroker.testkit.MutableClock;
import dev.agentbroker.testkit.TestKeys;
import dev.agentbroker.testkit.github.GitHubSimulator;
import dev.agentbroker.testkit.github.SimulatorFixture;
import dev.agentbroker.tiera.github.GitHubAppClient;
import dev.agentbroker.tiera.github.GitHubInstallationCalls;
import dev.agentbroker.tiera.github.GitHubSettings;
import dev.agentbroker.tiera.keys.FileAppJwtSigner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Break-glass below HTTP: real journal, file store and policy; simulated GitHub; mutable time. */
class BreakGlassServiceTest {
  static final String POLICY =
      """
      version: 1
      identities:
        - id: release
          issuer: https://ci.test
          subject: "release-bot"
          profile: ci
          grants: []
      verbs:
        create-repo: {allowed_identities: [release], rate: "3/hour", params: {owner: [acme], name: "[a-z-]+", visibility: [private]}}
      """;
  static final ObjectMapper JSON = new ObjectMapper();
  static final String HUMANS = "https://humans.test";
  static KeyPair appKey;

  final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
  static final String OTHER_HUMANS = "https://sso.other.test";
  final Human alice = new Human(HUMANS, "alice", "alice@acme.example", true);
  final Human bob = new Human(HUMANS, "bob", "bob@acme.example", true);
  final RequestMeta meta = new RequestMeta("r1", "127.0.0.1");
  @TempDir Path dir;
  GitHubSimulator sim;
  FileJournal journal;
  GitHubAppClient app;
  GitHubInstallationCalls calls;
  BreakGlassService service;

  @BeforeAll
  static void keys() {
    appKey = TestKeys.rsa2048();
  }

  @BeforeEach
  void start() throws Exception {
    sim = GitHubSimulator.start(SimulatorFixture.demo(appKey.getPublic()), clock);
    GitHubSettings settings = GitHubSettings.defaults(sim.baseUri(), "424242");
    app =
        GitHubAppClient.create(
            settings, FileAppJwtSigner.ofKey((RSAPrivateCrtKey) appKey.getPrivate()), clock);
    calls = new GitHubInstallationCalls(settings, clock);
    journal = FileJournal.open(JournalConfig.defaults(dir.resolve("journal")), clock);
    service = open();
  }

  static CompiledPolicy policy() {
    try {
      return PolicyCompiler.compile(POLICY, "bg.yaml");
    } catch (dev.agentbroker.policy.PolicyException e) {
      throw new IllegalStateException(e);
    }
  }

  BreakGlassService open() throws GrantStoreException {
    CompiledPolicy policy = policy();
    return BreakGlassService.open(
        BreakGlassSettings.defaults(),
        new FileGrantStore(dir.resolve("bg/breakglass.json")),
        journal,
        () -> policy,
        app,
        calls,
        clock);
  }

  @AfterEach
  void stop() {
    journal.close();
    sim.close();
  }

  static BreakGlassRequest tokenRequest(int minutes) throws Exception {
    return BreakGlassRequest.parse(
        JSON.readTree(
            "{\"kind\":\"installation-token\",\"owner\":\"acme\","
                + "\"permissions\":{\"administration\":\"write\",\"members\":\"read\"},"
                + "\"justification\":\"INC-42: restore branch protection\","
                + "\"duration_minutes\":"
                + minutes
                + "}"));
  }

  String requested(int minutes) throws Exception {
    BreakGlassOutcome o = service.request(alice, tokenRequest(minutes), meta);
    return assertInstanceOf(BreakGlassOutcome.Done.class, o).grant().id();
  }

  String approved(int minutes) throws Exception {
    String id = requested(minutes);
    assertInstanceOf(BreakGlassOutcome.Done.class, service.approve(bob, id, meta));
    return id;
  }

  static void refused(ErrorCode code, BreakGlassOutcome o) {
    assertEquals(code, assertInstanceOf(BreakGlassOutcome.Refused.class, o).code(), o.toString());
  }

  @Test
  void requestApproveUseMintsOneInstallationWideTokenAndJournalsEveryStepHigh() throws Exception {
    String id = approved(30);
    BreakGlassOutcome.Used used =
        assertInstanceOf(BreakGlassOutcome.Used.class, service.use(alice, id, meta));
    String token = used.token().orElseThrow().token();
    assertTrue(sim.isTokenActive(token));
    assertEquals(GrantState.USED, used.grant().state());
    assertEquals("issued", used.grant().result());
    refused(ErrorCode.GRANT_ALREADY_USED, service.use(alice, id, meta));
    assertEquals(1, sim.issuedTokenCount(), "the second use minted nothing");

    List<AuditEvent> events = events();
    List<String> actions = events.stream().map(AuditEvent::action).toList();
    assertEquals(
        List.of(
            "breakglass.request",
            "breakglass.approve",
            "breakglass.use",
            "breakglass.use",
            "breakglass.use"),
        actions);
    assertTrue(events.stream().allMatch(e -> "high".equals(e.severity())));
    AuditEvent issued = events.get(3);
    assertEquals("token_issued", issued.reason());
    assertEquals(used.grant().tokenSha256(), issued.tokenSha256());
    assertEquals("INC-42: restore branch protection", issued.details().get("justification"));
    assertEquals("grant_already_used", events.get(4).reason());
    String stored = Files.readString(dir.resolve("bg/breakglass.json"));
    assertFalse(stored.contains(token), "the token itself is never stored");
    assertTrue(stored.contains(used.grant().tokenSha256()));
  }

  @Test
  void selfApprovalIsRefusedAndJournaled() throws Exception {
    String id = requested(30);
    refused(ErrorCode.SELF_APPROVAL_REFUSED, service.approve(alice, id, meta));
    // The same subject from another issuer is another person; the same person is refused.
    Human aliceAgain = new Human(HUMANS, "alice", true);
    refused(ErrorCode.SELF_APPROVAL_REFUSED, service.approve(aliceAgain, id, meta));
    assertEquals(GrantState.PENDING, service.open().get(0).state());
    refused(ErrorCode.GRANT_NOT_APPROVED, service.use(alice, id, meta));
    assertTrue(
        events().stream()
            .anyMatch(
                e ->
                    e.action().equals("breakglass.approve")
                        && "self_approval_refused".equals(e.reason())));
  }

  @Test
  void samePersonThroughAnotherHumanIssuerCannotApprove() throws Exception {
    String id = requested(30);
    // Alice's second account, at another human issuer, with another subject: same person.
    Human aliceElsewhere = new Human(OTHER_HUMANS, "00u-7781", "alice@acme.example", true);
    refused(ErrorCode.SELF_APPROVAL_REFUSED, service.approve(aliceElsewhere, id, meta));
    // After a restart the stored requester still carries the person.
    BreakGlassService restarted = open();
    refused(ErrorCode.SELF_APPROVAL_REFUSED, restarted.approve(aliceElsewhere, id, meta));
    assertEquals(GrantState.PENDING, restarted.open().get(0).state());
    // Same subject string at another issuer, another person: an independent approver.
    Human otherAlice = new Human(OTHER_HUMANS, "alice", "alice.jones@acme.example", true);
    Grant g =
        assertInstanceOf(BreakGlassOutcome.Done.class, restarted.approve(otherAlice, id, meta))
            .grant();
    assertEquals(GrantState.APPROVED, g.state());
    // Using stays bound to the requesting account: the same person elsewhere may not use it.
    refused(ErrorCode.NOT_GRANT_REQUESTER, restarted.use(aliceElsewhere, id, meta));
  }

  @Test
  void nonHumansAreRefusedEvenIfTheCallerForgotToCheck() throws Exception {
    Human robot = new Human(HUMANS, "robot", false);
    refused(ErrorCode.HUMAN_REQUIRED, service.request(robot, tokenRequest(10), meta));
    String id = requested(10);
    refused(ErrorCode.HUMAN_REQUIRED, service.approve(robot, id, meta));
    refused(ErrorCode.HUMAN_REQUIRED, service.use(robot, id, meta));
  }

  @Test
  void onlyTheRequesterUsesTheGrant() throws Exception {
    String id = approved(30);
    refused(ErrorCode.NOT_GRANT_REQUESTER, service.use(bob, id, meta));
    assertInstanceOf(BreakGlassOutcome.Used.class, service.use(alice, id, meta));
  }

  @Test
  void pendingRequestExpiresAfterTheApprovalWindow() throws Exception {
    String id = requested(30);
    clock.advance(Duration.ofMinutes(15));
    refused(ErrorCode.GRANT_EXPIRED, service.approve(bob, id, meta));
    assertEquals(GrantState.EXPIRED, service.history().get(0).state());
    assertTrue(events().stream().anyMatch(e -> e.action().equals("breakglass.expire")));
  }

  @Test
  void expiredGrantIsRefused() throws Exception {
    String id = approved(60);
    clock.advance(Duration.ofMinutes(14));
    assertEquals(0, service.expireDue());
    clock.advance(Duration.ofMinutes(1));
    refused(ErrorCode.GRANT_EXPIRED, service.use(alice, id, meta));
    refused(ErrorCode.GRANT_EXPIRED, service.use(alice, id, meta));
    assertEquals(0, sim.issuedTokenCount());
    AuditEvent expire =
        events().stream().filter(e -> e.action().equals("breakglass.expire")).findFirst().get();
    assertEquals("use_window_elapsed", expire.reason());
  }

  @Test
  void useWindowIsBoundedByTheRequestedDuration() throws Exception {
    String id = approved(5);
    clock.advance(Duration.ofMinutes(5));
    assertEquals(1, service.expireDue(), "the sweep expires it and journals the expiry");
    refused(ErrorCode.GRANT_EXPIRED, service.use(alice, id, meta));
  }

  @Test
  void durationAboveTheMaximumIsRefused() throws Exception {
    BreakGlassService shortMax =
        BreakGlassService.open(
            new BreakGlassSettings(Duration.ofMinutes(15), Duration.ofMinutes(20), 10),
            new FileGrantStore(dir.resolve("other.json")),
            journal,
            BreakGlassServiceTest::policy,
            app,
            calls,
            clock);
    refused(ErrorCode.INVALID_REQUEST, shortMax.request(alice, tokenRequest(30), meta));
  }

  @Test
  void deniedRequestCannotBeApprovedOrUsed() throws Exception {
    String id = requested(30);
    refused(ErrorCode.INVALID_REQUEST, service.deny(bob, id, " ", meta));
    BreakGlassOutcome.Done d =
        assertInstanceOf(
            BreakGlassOutcome.Done.class, service.deny(bob, id, "use the runbook instead", meta));
    assertEquals(GrantState.DENIED, d.grant().state());
    refused(ErrorCode.NOT_PENDING, service.approve(bob, id, meta));
    refused(ErrorCode.GRANT_NOT_APPROVED, service.use(alice, id, meta));
  }

  @Test
  void stateSurvivesARestartOnTheSameFile() throws Exception {
    String pending = requested(30);
    String approved = approved(30);
    String used = approved(30);
    assertInstanceOf(BreakGlassOutcome.Used.class, service.use(alice, used, meta));

    BreakGlassService restarted = open();
    assertEquals(2, restarted.open().size());
    refused(ErrorCode.GRANT_ALREADY_USED, restarted.use(alice, used, meta));
    refused(ErrorCode.SELF_APPROVAL_REFUSED, restarted.approve(alice, pending, meta));
    assertInstanceOf(BreakGlassOutcome.Done.class, restarted.approve(bob, pending, meta));
    assertInstanceOf(BreakGlassOutcome.Used.class, restarted.use(alice, approved, meta));
  }

  @Test
  void corruptStoreRefusesToStart() throws Exception {
    Path f = dir.resolve("bg/breakglass.json");
    requested(30);
    Files.writeString(f, "{\"format\":1,\"grants\":[{\"id\":");
    GrantStoreException e = assertThrows(GrantStoreException.class, this::open);
    assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("refusing to start"), e.getMessage());
  }

  @Test
  void concurrentUsesHaveExactlyOneWinner() throws Exception {
    String id = approved(30);
    int n = 8;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<BreakGlassOutcome>> all = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        all.add(
            pool.submit(
                () -> {
                  go.await();
                  return service.use(alice, id, meta);
                }));
      }
      go.countDown();
      int used = 0;
      for (Future<BreakGlassOutcome> f : all) {
        BreakGlassOutcome o = f.get();
        if (o instanceof BreakGlassOutcome.Used) {
          used++;
        } else {
          refused(ErrorCode.GRANT_ALREADY_USED, o);
        }
      }
      assertEquals(1, used);
      assertEquals(1, sim.issuedTokenCount());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void journalFailureRefusesTheStep() throws Exception {
    String id = requested(30);
    journal.close();
    refused(ErrorCode.AUDIT_UNAVAILABLE, service.approve(bob, id, meta));
    refused(ErrorCode.AUDIT_UNAVAILABLE, service.request(alice, tokenRequest(30), meta));
    assertEquals(1, service.open().size());
    assertEquals(GrantState.PENDING, service.open().get(0).state());
  }

  @Test
  void verbGrantPerformsTheVerbOnceBypassingOnlyAllowedIdentities() throws Exception {
    BreakGlassRequest r =
        BreakGlassRequest.parse(
            JSON.readTree(
                "{\"kind\":\"verb\",\"verb\":\"create-repo\",\"params\":{\"owner\":\"acme\","
                    + "\"name\":\"incident-notes\"},\"justification\":\"INC-7 needs a repo now\","
                    + "\"duration_minutes\":10}"));
    String id =
        assertInstanceOf(BreakGlassOutcome.Done.class, service.request(alice, r, meta))
            .grant()
            .id();
    service.approve(bob, id, meta);
    BreakGlassOutcome.Used used =
        assertInstanceOf(BreakGlassOutcome.Used.class, service.use(alice, id, meta));
    assertEquals("completed", used.verbResult().orElseThrow().get("status").asText());
    assertEquals(Optional.empty(), used.token());
    assertTrue(sim.repositoryExists("acme", "incident-notes"));
    assertEquals(0, sim.activeTokenCount(), "the JIT token was revoked");
    refused(ErrorCode.GRANT_ALREADY_USED, service.use(alice, id, meta));

    BreakGlassRequest otherOrg =
        BreakGlassRequest.parse(
            JSON.readTree(
                "{\"kind\":\"verb\",\"verb\":\"create-repo\",\"params\":{\"owner\":\"octocat\","
                    + "\"name\":\"x-notes\"},\"justification\":\"policy still pins owners\","
                    + "\"duration_minutes\":10}"));
    refused(ErrorCode.POLICY_DENIED, service.request(alice, otherOrg, meta));

    // A parameter the rule does not list (template) is refused too, as the policy decides it.
    BreakGlassRequest unlisted =
        BreakGlassRequest.parse(
            JSON.readTree(
                "{\"kind\":\"verb\",\"verb\":\"create-repo\",\"params\":{\"owner\":\"acme\","
                    + "\"name\":\"y-notes\",\"template\":\"tmpl\"},\"justification\":\"INC-8 template is not in the rule\","
                    + "\"duration_minutes\":10}"));
    BreakGlassOutcome.Refused notListed =
        assertInstanceOf(BreakGlassOutcome.Refused.class, service.request(alice, unlisted, meta));
    assertEquals("parameter_not_allowed", notListed.reason());
  }

  private List<AuditEvent> events() throws Exception {
    List<AuditEvent> out = new ArrayList<>();
    try (JournalReader r = JournalReader.open(dir.resolve("journal"), 1)) {
      for (Optional<JournalRecord> rec = r.next(); rec.isPresent(); rec = r.next()) {
        out.add(rec.get().event());
      }
    }
    return out;
  }
}
