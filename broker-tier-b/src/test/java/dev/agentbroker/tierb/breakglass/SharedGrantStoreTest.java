package dev.agentbroker.tierb.breakglass;

import static dev.agentbroker.tierb.breakglass.BreakGlassServiceTest.refused;
import static dev.agentbroker.tierb.breakglass.BreakGlassServiceTest.tokenRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service reads the store on every step: two services on one store behave as two replicas of
 * one broker. A store that fails refuses the step (503 state_unavailable), journaled as an error,
 * with nothing half-done.
 */
class SharedGrantStoreTest {
  static KeyPair appKey;

  final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
  final Human alice = new Human(BreakGlassServiceTest.HUMANS, "alice", "alice@acme.example", true);
  final Human bob = new Human(BreakGlassServiceTest.HUMANS, "bob", "bob@acme.example", true);
  final Human aliceElsewhere =
      new Human(BreakGlassServiceTest.OTHER_HUMANS, "a.smith", "alice@acme.example", true);
  final RequestMeta meta = new RequestMeta("r1", "127.0.0.1");
  @TempDir Path dir;
  GitHubSimulator sim;
  FileJournal journalA;
  FileJournal journalB;
  FailingStore store;
  BreakGlassService a;
  BreakGlassService b;

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
    GitHubInstallationCalls calls = new GitHubInstallationCalls(settings, clock);
    journalA = FileJournal.open(JournalConfig.defaults(dir.resolve("journal-a")), clock);
    journalB = FileJournal.open(JournalConfig.defaults(dir.resolve("journal-b")), clock);
    store = new FailingStore(new MemoryGrantStore(10));
    CompiledPolicy policy = BreakGlassServiceTest.policy();
    BreakGlassSettings s = BreakGlassSettings.defaults();
    a = BreakGlassService.open(s, store, journalA, () -> policy, app, calls, clock);
    b = BreakGlassService.open(s, store, journalB, () -> policy, app, calls, clock);
  }

  @AfterEach
  void stop() {
    journalA.close();
    journalB.close();
    sim.close();
  }

  String requestedOnA() throws Exception {
    return assertInstanceOf(BreakGlassOutcome.Done.class, a.request(alice, tokenRequest(30), meta))
        .grant()
        .id();
  }

  @Test
  void aStepOnOneServiceIsSeenByTheOtherAtOnce() throws Exception {
    String id = requestedOnA();
    assertEquals(id, b.open().get(0).id(), "B sees A's request");
    refused(ErrorCode.SELF_APPROVAL_REFUSED, b.approve(alice, id, meta));
    refused(ErrorCode.SELF_APPROVAL_REFUSED, b.approve(aliceElsewhere, id, meta));
    assertInstanceOf(BreakGlassOutcome.Done.class, b.approve(bob, id, meta));
    refused(ErrorCode.NOT_PENDING, a.approve(bob, id, meta));
    assertInstanceOf(BreakGlassOutcome.Used.class, a.use(alice, id, meta));
    refused(ErrorCode.GRANT_ALREADY_USED, b.use(alice, id, meta));
    assertEquals(1, sim.issuedTokenCount());
    assertEquals(GrantState.USED, b.history().get(0).state());
  }

  @Test
  void bothSweepingAtOnceExpireAGrantOnce() throws Exception {
    String pending = requestedOnA();
    String approved = requestedOnA();
    b.approve(bob, approved, meta);
    clock.advance(Duration.ofMinutes(16));
    assertEquals(2, a.expireDue() + b.expireDue());
    assertEquals(0, a.expireDue() + b.expireDue(), "nothing left to expire");
    assertEquals(2, expires("journal-a") + expires("journal-b"), "one expire event per grant");
    assertEquals(GrantState.EXPIRED, store.get(pending).orElseThrow().state());
  }

  @Test
  void aFailingStoreRefusesEveryStepAndChangesNothing() throws Exception {
    String pending = requestedOnA();
    String approved = requestedOnA();
    assertInstanceOf(BreakGlassOutcome.Done.class, b.approve(bob, approved, meta));
    List<Grant> before = a.open();
    int eventsBefore = events("journal-a").size();

    store.failing = true;
    stateUnavailable(a.request(alice, tokenRequest(30), meta));
    stateUnavailable(a.approve(bob, pending, meta));
    stateUnavailable(a.deny(bob, pending, "no", meta));
    stateUnavailable(a.use(alice, approved, meta));
    assertEquals(0, a.expireDue());
    store.failing = false;

    assertEquals(before, a.open(), "nothing changed");
    assertEquals(0, sim.issuedTokenCount(), "nothing minted on an unreadable grant");
    List<AuditEvent> added = events("journal-a").subList(eventsBefore, events("journal-a").size());
    // The request is journaled first, then refused by the store: its error follows at once.
    assertEquals(
        List.of("allowed", "error", "error", "error", "error"),
        added.stream().map(AuditEvent::outcome).toList());
    assertTrue(
        added.stream()
            .filter(e -> e.outcome().equals("error"))
            .allMatch(e -> e.reason().equals("state_unavailable") && "high".equals(e.severity())));
    assertInstanceOf(BreakGlassOutcome.Used.class, a.use(alice, approved, meta));
  }

  @Test
  void aWriteAfterALostLeaseIsRefusedAndTheNewerStateStays() throws Exception {
    String id = requestedOnA();
    // Another replica denies the request while A is between its read and its write (as when A's
    // lease ran out): A's compare-and-set fails, so its approval never takes effect.
    store.beforeReplace =
        () -> {
          store.beforeReplace = null;
          try {
            Grant g = store.inner.get(id).orElseThrow();
            store.inner.replace(g, g.denied(bob, clock.instant(), "withdrawn"));
          } catch (GrantStoreException e) {
            throw new AssertionError(e);
          }
        };
    BreakGlassOutcome.Refused r =
        assertInstanceOf(BreakGlassOutcome.Refused.class, a.approve(bob, id, meta));
    assertEquals(ErrorCode.STATE_UNAVAILABLE, r.code());
    assertEquals("state_conflict", r.reason());
    assertEquals(GrantState.DENIED, a.history().get(0).state());
    refused(ErrorCode.GRANT_NOT_APPROVED, a.use(alice, id, meta));
  }

  @Test
  void aLeaseHeldElsewhereIsRespectedAndGivenBack() throws Exception {
    String id = requestedOnA();
    assertTrue(store.lock(id, "other-replica", Duration.ofSeconds(30)));
    assertEquals(false, store.lock(id, "me", Duration.ofSeconds(30)));
    store.unlock(id, "me");
    assertEquals(false, store.lock(id, "me", Duration.ofSeconds(30)), "only its owner unlocks");
    store.unlock(id, "other-replica");
    assertInstanceOf(BreakGlassOutcome.Done.class, b.approve(bob, id, meta));
    assertTrue(store.lock(id, "me", Duration.ofSeconds(30)), "the step gave its lease back");
  }

  static void stateUnavailable(BreakGlassOutcome o) {
    BreakGlassOutcome.Refused r = assertInstanceOf(BreakGlassOutcome.Refused.class, o);
    assertEquals(ErrorCode.STATE_UNAVAILABLE, r.code());
    assertEquals("state_unavailable", r.reason());
  }

  private long expires(String journal) throws Exception {
    return events(journal).stream().filter(e -> e.action().equals("breakglass.expire")).count();
  }

  private List<AuditEvent> events(String journal) throws Exception {
    List<AuditEvent> out = new ArrayList<>();
    try (JournalReader r = JournalReader.open(dir.resolve(journal), 1)) {
      for (Optional<JournalRecord> rec = r.next(); rec.isPresent(); rec = r.next()) {
        out.add(rec.get().event());
      }
    }
    return out;
  }

  /** A memory store that, switched on, fails every call as an unreachable store does. */
  static final class FailingStore implements GrantStore {
    final MemoryGrantStore inner;
    volatile boolean failing;
    volatile Runnable beforeReplace;

    FailingStore(MemoryGrantStore inner) {
      this.inner = inner;
    }

    private void check() throws GrantStoreException {
      if (failing) {
        throw new GrantStoreException("test store: connection refused");
      }
    }

    @Override
    public Optional<Grant> get(String id) throws GrantStoreException {
      check();
      return inner.get(id);
    }

    @Override
    public List<Grant> list() throws GrantStoreException {
      check();
      return inner.list();
    }

    @Override
    public boolean create(Grant grant) throws GrantStoreException {
      check();
      return inner.create(grant);
    }

    @Override
    public boolean replace(Grant expected, Grant next) throws GrantStoreException {
      check();
      Runnable hook = beforeReplace;
      if (hook != null) {
        hook.run();
      }
      return inner.replace(expected, next);
    }

    @Override
    public boolean lock(String id, String owner, Duration ttl) throws GrantStoreException {
      check();
      return inner.lock(id, owner, ttl);
    }

    @Override
    public void unlock(String id, String owner) throws GrantStoreException {
      check();
      inner.unlock(id, owner);
    }

    @Override
    public String describe() {
      return "failing(" + inner.describe() + ")";
    }
  }
}
