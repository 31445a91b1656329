package dev.agentbroker.tierb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentbroker.audit.AuditEvent;
import dev.agentbroker.audit.AuditJournal;
import dev.agentbroker.audit.JournalReader;
import dev.agentbroker.audit.JournalRecord;
import dev.agentbroker.policy.Caller;
import dev.agentbroker.request.ErrorCode;
import dev.agentbroker.request.RequestMeta;
import dev.agentbroker.request.admission.RateLimiter;
import dev.agentbroker.request.admission.RateLimiterUnavailableException;
import dev.agentbroker.testkit.MutableClock;
import dev.agentbroker.testkit.TestKeys;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * Every exit of {@link VerbService#call} before the intent is one journal event and one decision
 * line with the same action, outcome and reason; when the journal cannot record it the answer is
 * {@code audit_unavailable} (fail closed, as Tier A), never the decision that went unaudited.
 */
class VerbExitsTest {
  static final Logger DECISIONS = Logger.getLogger("dev.agentbroker.decision");
  static final ObjectMapper JSON = new ObjectMapper();
  static KeyPair appKey;

  final MutableClock clock = new MutableClock(Instant.now());
  final Caller release = new Caller("https://ci.test", "release-bot", Map.of());
  final Caller other = new Caller("https://ci.test", "other-bot", Map.of());
  final RequestMeta meta = new RequestMeta("r-exit", "127.0.0.1");
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
  VerbServiceFixture fixture;

  /** One exit: what runs first on the working service, the call, and what it must record. */
  record Exit(
      String name,
      Step setup,
      Step call,
      RateLimiter limiter,
      IdempotencyStore store,
      ErrorCode code,
      String action,
      String outcome,
      String reason) {
    @Override
    public String toString() {
      return name;
    }
  }

  interface Step {
    VerbOutcome run(VerbExitsTest t, VerbService s) throws Exception;
  }

  static final Step NOTHING = (t, s) -> null;
  static final RateLimiter UNREACHABLE_LIMITER =
      (key, permits, window) -> {
        throw new RateLimiterUnavailableException("simulated: redis down", null);
      };

  static Stream<Exit> exits() {
    return Stream.of(
        new Exit(
            "unknown verb",
            NOTHING,
            (t, s) -> s.call(t.release, "delete-repo", t.body("svc-a"), null, t.meta),
            null,
            null,
            ErrorCode.NOT_FOUND,
            "verb.unknown",
            "denied",
            "unknown_verb"),
        new Exit(
            "invalid fields",
            NOTHING,
            (t, s) ->
                s.call(t.release, "create-repo", t.json("{\"owner\":\"acme\"}"), null, t.meta),
            null,
            null,
            ErrorCode.INVALID_REQUEST,
            "verb.create-repo",
            "denied",
            "invalid_fields"),
        new Exit(
            "policy denial",
            NOTHING,
            (t, s) -> s.call(t.other, "create-repo", t.body("abc"), null, t.meta),
            null,
            null,
            ErrorCode.POLICY_DENIED,
            "verb.create-repo",
            "denied",
            "verb_not_granted"),
        new Exit(
            "dry run",
            NOTHING,
            (t, s) ->
                s.call(
                    t.release,
                    "create-repo",
                    t.json("{\"owner\":\"acme\",\"name\":\"abc\",\"dry_run\":true}"),
                    null,
                    t.meta),
            null,
            null,
            null,
            "verb.create-repo",
            "allowed",
            "dry_run"),
        new Exit(
            "idempotent replay",
            (t, s) -> t.create(s, "once-only", "key-1"),
            (t, s) -> t.create(s, "once-only", "key-1"),
            null,
            null,
            null,
            "verb.create-repo",
            "allowed",
            "idempotent_replay"),
        new Exit(
            "idempotency conflict",
            (t, s) -> t.create(s, "once-only", "key-1"),
            (t, s) -> t.create(s, "different", "key-1"),
            null,
            null,
            ErrorCode.CONFLICT,
            "verb.create-repo",
            "denied",
            "idempotency_conflict"),
        new Exit(
            "idempotency in progress",
            NOTHING,
            (t, s) -> t.create(s, "busy", "key-1"),
            null,
            Faults.answering(new IdempotencyStore.Claim.Busy()),
            ErrorCode.CONFLICT,
            "verb.create-repo",
            "denied",
            "idempotency_in_progress"),
        new Exit(
            "idempotency store unavailable",
            NOTHING,
            (t, s) -> t.create(s, "lost", "key-1"),
            null,
            Faults.answering(new IdempotencyStore.Claim.Unavailable("simulated")),
            ErrorCode.RATE_LIMITER_UNAVAILABLE,
            "verb.create-repo",
            "error",
            "idempotency_store_unavailable"),
        new Exit(
            "rate limited",
            (t, s) -> {
              for (int i = 0; i < 3; i++) {
                assertInstanceOf(VerbOutcome.Answered.class, t.create(s, "repo-" + i, null));
              }
              return null;
            },
            (t, s) -> t.create(s, "repo-3", null),
            null,
            null,
            ErrorCode.RATE_LIMITED,
            "verb.create-repo",
            "denied",
            "rate_limited"),
        new Exit(
            "rate limiter unavailable",
            NOTHING,
            (t, s) -> t.create(s, "limited", null),
            UNREACHABLE_LIMITER,
            null,
            ErrorCode.RATE_LIMITER_UNAVAILABLE,
            "verb.create-repo",
            "error",
            "rate_limiter_unavailable"));
  }

  @BeforeAll
  static void keys() {
    appKey = TestKeys.rsa2048();
  }

  @BeforeEach
  void start() throws Exception {
    fixture = new VerbServiceFixture(VerbServiceTest.POLICY, appKey, clock, dir);
    DECISIONS.addHandler(capture);
  }

  @AfterEach
  void stop() {
    DECISIONS.removeHandler(capture);
    fixture.close();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("exits")
  void everyExitIsOneJournalEventAndOneDecisionLine(Exit x) throws Exception {
    x.setup().run(this, fixture.service);
    int events = events().size();
    int mints = fixture.sim.mintRequests().size();
    lines.clear();
    VerbOutcome o = x.call().run(this, service(fixture.journal, x));
    if (x.code() == null) {
      assertInstanceOf(VerbOutcome.Answered.class, o, o::toString);
    } else {
      VerbOutcome.Refused r = assertInstanceOf(VerbOutcome.Refused.class, o, o::toString);
      assertEquals(x.code(), r.code());
      assertEquals(x.reason(), r.reason());
    }
    List<AuditEvent> all = events();
    assertEquals(events + 1, all.size(), "one journal event for the exit");
    AuditEvent e = all.get(all.size() - 1);
    assertEquals(x.action(), e.action());
    assertEquals(x.outcome(), e.outcome());
    assertEquals(x.reason(), e.reason());
    assertEquals("decision", e.details().get("phase"));
    assertEquals(release.issuer(), e.issuer(), "attributable: the caller is authenticated");
    assertEquals(x.name().equals("policy denial") ? "other" : "ci-release", e.identityId());
    assertEquals("r-exit", e.requestId());
    List<String> mine = decisionLines(x.action());
    assertEquals(1, mine.size(), lines.toString());
    assertTrue(
        mine.get(0).contains(" outcome=" + x.outcome() + " reason=" + x.reason()), mine.get(0));
    assertEquals(mints, fixture.sim.mintRequests().size(), "no token for any of these exits");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("exits")
  void anExitTheJournalCannotRecordIsAuditUnavailable(Exit x) throws Exception {
    x.setup().run(this, fixture.service);
    int events = events().size();
    int mints = fixture.sim.mintRequests().size();
    lines.clear();
    VerbOutcome o = x.call().run(this, service(Faults.unwritable(), x));
    VerbOutcome.Refused r = assertInstanceOf(VerbOutcome.Refused.class, o, o::toString);
    assertEquals(ErrorCode.AUDIT_UNAVAILABLE, r.code(), "not " + x.code());
    assertEquals("audit_io_error", r.reason());
    assertTrue(r.retryAfter().isPresent());
    assertNull(r.headers().get("Idempotent-Replayed"), "no stored answer handed out unaudited");
    assertEquals(events, events().size(), "nothing reached the journal");
    List<String> mine = decisionLines(x.action());
    assertEquals(1, mine.size(), lines.toString());
    assertTrue(mine.get(0).contains(" outcome=error reason=audit_io_error"), mine.get(0));
    assertTrue(mine.get(0).contains(x.outcome() + "/" + x.reason()), "what went unjournaled");
    assertEquals(mints, fixture.sim.mintRequests().size());
  }

  @Test
  void aReplayNamesTheRecordItReplays() throws Exception {
    create(fixture.service, "once-only", "key-1");
    create(fixture.service, "once-only", "key-1");
    List<AuditEvent> all = events();
    AuditEvent result = all.get(all.size() - 2);
    AuditEvent replay = all.get(all.size() - 1);
    assertEquals("completed", result.reason());
    assertEquals("idempotent_replay", replay.reason());
    String key = replay.details().get("idempotency_key");
    assertTrue(key.matches("[0-9a-f]{64}"), "a SHA-256, no caller text: " + key);
    assertEquals(key, result.details().get("idempotency_key"), "joins the original call");
    assertEquals("201", replay.details().get("replayed_status"));
    assertFalse(fixture.readJournal().contains("key-1"), "the client's key itself is not recorded");
  }

  @Test
  void invalidFieldsRecordPathsNeverValuesOrUnknownKeys() throws Exception {
    lines.clear();
    VerbOutcome o =
        fixture.service.call(
            release,
            "create-repo",
            json(
                "{\"owner\":\"acme\",\"name\":\"hunter2 Secret\","
                    + "\"hunter2-password\":\"x\",\"topics\":[\"ok\",\"Hunter2!\"]}"),
            null,
            meta);
    VerbOutcome.Refused r = assertInstanceOf(VerbOutcome.Refused.class, o);
    assertTrue(r.violations().size() >= 3, r.violations().toString());
    AuditEvent e = events().get(events().size() - 1);
    assertEquals("/(unknown),/name,/topics/1", e.details().get("fields"));
    assertTrue(decisionLines("verb.create-repo").get(0).contains("/(unknown),/name,/topics/1"));
    String everything = fixture.readJournal() + String.join("\n", lines);
    assertFalse(everything.toLowerCase().contains("hunter2"), everything);
  }

  @Test
  void anUnknownVerbNameIsRecordedOnlyWhenVerbShaped() throws Exception {
    fixture.service.call(release, "delete-repo", body("svc-a"), null, meta);
    fixture.service.call(release, "Hunter2 secret/../x", body("svc-a"), null, meta);
    List<AuditEvent> all = events();
    assertEquals("delete-repo", all.get(all.size() - 2).details().get("requested_verb"));
    assertEquals("(malformed)", all.get(all.size() - 1).details().get("requested_verb"));
    assertEquals("verb.unknown", all.get(all.size() - 1).action(), "never caller text");
    String everything = fixture.readJournal() + String.join("\n", lines);
    assertFalse(everything.toLowerCase().contains("hunter2"), everything);
  }

  VerbService service(AuditJournal journal, Exit x) {
    return fixture.service(
        journal,
        x.limiter() == null ? fixture.limiter : x.limiter(),
        x.store() == null ? fixture.idempotency : x.store());
  }

  VerbOutcome create(VerbService s, String name, String key) throws Exception {
    return s.call(release, "create-repo", body(name), key, meta);
  }

  JsonNode body(String name) throws Exception {
    return json("{\"owner\":\"acme\",\"name\":\"" + name + "\"}");
  }

  JsonNode json(String s) throws Exception {
    return JSON.readTree(s);
  }

  List<String> decisionLines(String action) {
    return lines.stream().filter(l -> l.startsWith("action=" + action + " ")).toList();
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
