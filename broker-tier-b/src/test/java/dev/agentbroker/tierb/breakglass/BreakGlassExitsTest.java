package dev.agentbroker.tierb.breakglass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.audit.AuditEvent;
import dev.agentbroker.audit.FileJournal;
import dev.agentbroker.audit.JournalConfig;
import dev.agentbroker.audit.JournalReader;
import dev.agentbroker.audit.JournalRecord;
import dev.agentbroker.policy.CompiledPolicy;
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
import dev.agentbroker.tierb.Faults;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every break-glass refusal is journaled (severity high) and logged; when the journal cannot record
 * it the answer is {@code audit_unavailable}, as in both tiers, and nothing changes.
 */
class BreakGlassExitsTest {
  static final Logger DECISIONS = Logger.getLogger("dev.agentbroker.decision");
  static final String HUMANS = BreakGlassServiceTest.HUMANS;
  static final String UNKNOWN_ID = "bg-00000000-0000-0000-0000-000000000000";
  static KeyPair appKey;

  final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
  final Human alice = new Human(HUMANS, "alice", "alice@acme.example", true);
  final Human bob = new Human(HUMANS, "bob", "bob@acme.example", true);
  final Human robot = new Human(HUMANS, "robot", false);
  final RequestMeta meta = new RequestMeta("r-bg", "127.0.0.1");
  final List<String> lines = new CopyOnWriteArrayList<>();
  final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          lines.add(r.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  @TempDir Path dir;
  GitHubSimulator sim;
  FileJournal journal;
  Faults.Switchable switchable;
  BreakGlassService service;

  /** One refusal: the grant it needs (none, requested, approved), the step, what it records. */
  record Exit(
      String name,
      String grant,
      Step call,
      ErrorCode code,
      String actor,
      String action,
      String reason) {
    @Override
    public String toString() {
      return name;
    }
  }

  interface Step {
    BreakGlassOutcome run(BreakGlassExitsTest t, String id) throws Exception;
  }

  static Stream<Exit> exits() {
    return Stream.of(
        new Exit(
            "not human (request)",
            "none",
            (t, id) -> t.service.request(t.robot, BreakGlassServiceTest.tokenRequest(10), t.meta),
            ErrorCode.HUMAN_REQUIRED,
            "robot",
            "breakglass.request",
            "human_required"),
        new Exit(
            "not human (approve)",
            "requested",
            (t, id) -> t.service.approve(t.robot, id, t.meta),
            ErrorCode.HUMAN_REQUIRED,
            "robot",
            "breakglass.approve",
            "human_required"),
        new Exit(
            "duration too long",
            "none",
            (t, id) -> t.service.request(t.alice, BreakGlassServiceTest.tokenRequest(30), t.meta),
            ErrorCode.INVALID_REQUEST,
            "alice",
            "breakglass.request",
            "duration_too_long"),
        new Exit(
            "parameter denied by the policy",
            "none",
            (t, id) -> t.service.request(t.alice, t.verbRequest("octocat"), t.meta),
            ErrorCode.POLICY_DENIED,
            "alice",
            "breakglass.request",
            "parameter_not_allowed"),
        new Exit(
            "self approval",
            "requested",
            (t, id) -> t.service.approve(t.alice, id, t.meta),
            ErrorCode.SELF_APPROVAL_REFUSED,
            "alice",
            "breakglass.approve",
            "self_approval_refused"),
        new Exit(
            "unknown grant",
            "none",
            (t, id) -> t.service.approve(t.bob, UNKNOWN_ID, t.meta),
            ErrorCode.NOT_FOUND,
            "bob",
            "breakglass.approve",
            "grant_not_found"),
        new Exit(
            "deny without a reason",
            "requested",
            (t, id) -> t.service.deny(t.bob, id, " ", t.meta),
            ErrorCode.INVALID_REQUEST,
            "bob",
            "breakglass.deny",
            "invalid_fields"),
        new Exit(
            "not pending",
            "approved",
            (t, id) -> t.service.approve(t.bob, id, t.meta),
            ErrorCode.NOT_PENDING,
            "bob",
            "breakglass.approve",
            "not_pending"),
        new Exit(
            "not approved",
            "requested",
            (t, id) -> t.service.use(t.alice, id, t.meta),
            ErrorCode.GRANT_NOT_APPROVED,
            "alice",
            "breakglass.use",
            "grant_not_approved"),
        new Exit(
            "not the requester",
            "approved",
            (t, id) -> t.service.use(t.bob, id, t.meta),
            ErrorCode.NOT_GRANT_REQUESTER,
            "bob",
            "breakglass.use",
            "not_grant_requester"));
  }

  @BeforeAll
  static void keys() {
    appKey = TestKeys.rsa2048();
  }

  @BeforeEach
  void start() throws Exception {
    sim = GitHubSimulator.start(SimulatorFixture.demo(appKey.getPublic()), clock);
    GitHubSettings settings = GitHubSettings.defaults(sim.baseUri(), "424242");
    GitHubAppClient app =
        GitHubAppClient.create(
            settings, FileAppJwtSigner.ofKey((RSAPrivateCrtKey) appKey.getPrivate()), clock);
    journal = FileJournal.open(JournalConfig.defaults(dir.resolve("journal")), clock);
    switchable = Faults.switchable(journal);
    CompiledPolicy policy = BreakGlassServiceTest.policy();
    service =
        BreakGlassService.open(
            new BreakGlassSettings(Duration.ofMinutes(15), Duration.ofMinutes(20), 10),
            new FileGrantStore(dir.resolve("bg/breakglass.json")),
            switchable,
            () -> policy,
            app,
            new GitHubInstallationCalls(settings, clock),
            clock);
    DECISIONS.addHandler(capture);
  }

  @AfterEach
  void stop() {
    DECISIONS.removeHandler(capture);
    journal.close();
    sim.close();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("exits")
  void everyRefusalIsJournaledHighAndLogged(Exit x) throws Exception {
    String id = grant(x.grant());
    int before = events().size();
    lines.clear();
    BreakGlassOutcome.Refused r =
        assertInstanceOf(BreakGlassOutcome.Refused.class, x.call().run(this, id));
    assertEquals(x.code(), r.code());
    assertEquals(x.reason(), r.reason());
    List<AuditEvent> all = events();
    assertEquals(before + 1, all.size(), "one journal event for the refusal");
    AuditEvent e = all.get(all.size() - 1);
    assertEquals(x.action(), e.action());
    assertEquals("denied", e.outcome());
    assertEquals(x.reason(), e.reason());
    assertEquals("high", e.severity());
    assertEquals(x.actor(), e.subject(), "attributed to the human who asked");
    assertEquals("r-bg", e.requestId());
    List<String> mine = lines.stream().filter(l -> l.startsWith("action=" + x.action())).toList();
    assertEquals(1, mine.size(), lines.toString());
    assertTrue(mine.get(0).contains(" outcome=denied reason=" + x.reason()), mine.get(0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("exits")
  void aRefusalTheJournalCannotRecordIsAuditUnavailable(Exit x) throws Exception {
    String id = grant(x.grant());
    List<Grant> open = service.open();
    int before = events().size();
    switchable.breakNow();
    lines.clear();
    BreakGlassOutcome.Refused r =
        assertInstanceOf(BreakGlassOutcome.Refused.class, x.call().run(this, id));
    assertEquals(ErrorCode.AUDIT_UNAVAILABLE, r.code(), "not " + x.code());
    assertEquals("audit_io_error", r.reason());
    assertEquals(before, events().size());
    assertEquals(open, service.open(), "nothing changed");
    List<String> mine = lines.stream().filter(l -> l.startsWith("action=" + x.action())).toList();
    assertEquals(1, mine.size(), lines.toString());
    assertTrue(mine.get(0).contains(" outcome=error reason=audit_io_error"), mine.get(0));
  }

  @Test
  void grantIdsThatAreCallerTextAreNotRecorded() throws Exception {
    refusedNotFound(service.approve(bob, "hunter2-secret", meta));
    assertEquals("(malformed)", events().get(events().size() - 1).details().get("grant_id"));
    refusedNotFound(service.use(alice, UNKNOWN_ID, meta));
    assertEquals(UNKNOWN_ID, events().get(events().size() - 1).details().get("grant_id"));
    assertFalse(String.join("\n", lines).contains("hunter2"), lines.toString());
  }

  static void refusedNotFound(BreakGlassOutcome o) {
    assertEquals(ErrorCode.NOT_FOUND, assertInstanceOf(BreakGlassOutcome.Refused.class, o).code());
  }

  String grant(String state) throws Exception {
    if (state.equals("none")) {
      return null;
    }
    BreakGlassOutcome o = service.request(alice, BreakGlassServiceTest.tokenRequest(10), meta);
    String id = assertInstanceOf(BreakGlassOutcome.Done.class, o).grant().id();
    if (state.equals("approved")) {
      assertInstanceOf(BreakGlassOutcome.Done.class, service.approve(bob, id, meta));
    }
    return id;
  }

  BreakGlassRequest verbRequest(String owner) throws Exception {
    return BreakGlassRequest.parse(
        BreakGlassServiceTest.JSON.readTree(
            "{\"kind\":\"verb\",\"verb\":\"create-repo\",\"params\":{\"owner\":\""
                + owner
                + "\",\"name\":\"x-notes\"},\"justification\":\"policy still pins owners\","
                + "\"duration_minutes\":10}"));
  }

  List<AuditEvent> events() throws Exception {
    List<AuditEvent> out = new ArrayList<>();
    try (JournalReader r = JournalReader.open(dir.resolve("journal"), 1)) {
      for (Optional<JournalRecord> rec = r.next(); rec.isPresent(); rec = r.next()) {
        out.add(rec.get().event());
      }
    }
    return out;
  }
}
