package dev.agentbroker.broker.breakglass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentbroker.audit.AuditEvent;
import dev.agentbroker.audit.FileJournal;
import dev.agentbroker.audit.JournalConfig;
import dev.agentbroker.audit.JournalReader;
import dev.agentbroker.audit.JournalRecord;
import dev.agentbroker.audit.TokenHashes;
import dev.agentbroker.broker.ratelimit.TestRedis;
import dev.agentbroker.broker.state.SharedRedis;
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
import dev.agentbroker.tierb.breakglass.BreakGlassOutcome;
import dev.agentbroker.tierb.breakglass.BreakGlassRequest;
import dev.agentbroker.tierb.breakglass.BreakGlassService;
import dev.agentbroker.tierb.breakglass.BreakGlassSettings;
import dev.agentbroker.tierb.breakglass.Grant;
import dev.agentbroker.tierb.breakglass.GrantJson;
import dev.agentbroker.tierb.breakglass.GrantState;
import dev.agentbroker.tierb.breakglass.Human;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Break-glass on two "replicas" (two services, two Vert.x Redis clients, two journals) sharing one
 * real redis-server: each sees the other's steps at once, a grant is used once across both, an
 * expiry is journaled once, and a stopped Redis refuses every step with nothing half-done.
 */
class RedisGrantStoreTest {
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
  static Vertx vertxA;
  static Vertx vertxB;

  final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
  final Human alice = new Human(HUMANS, "alice", "alice@acme.example", true);
  final Human aliceAtOtherSso =
      new Human("https://sso.other.test", "a1", "alice@acme.example", true);
  final Human bob = new Human(HUMANS, "bob", "bob@acme.example", true);
  final RequestMeta meta = new RequestMeta("r1", "127.0.0.1");
  final String prefix = "test:" + UUID.randomUUID() + ":";
  final List<AutoCloseable> closing = new ArrayList<>();
  final Map<String, SharedRedis> clients = new HashMap<>();
  @TempDir Path dir;
  GitHubSimulator sim;
  GitHubAppClient app;
  GitHubInstallationCalls calls;

  @BeforeAll
  static void start() {
    appKey = TestKeys.rsa2048();
    TestRedis.shared();
    vertxA = Vertx.vertx();
    vertxB = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertxA.close().toCompletionStage().toCompletableFuture().join();
    vertxB.close().toCompletionStage().toCompletableFuture().join();
  }

  @BeforeEach
  void github() throws Exception {
    sim = GitHubSimulator.start(SimulatorFixture.demo(appKey.getPublic()), clock);
    GitHubSettings settings = GitHubSettings.defaults(sim.baseUri(), "424242");
    app =
        GitHubAppClient.create(
            settings, FileAppJwtSigner.ofKey((RSAPrivateCrtKey) appKey.getPrivate()), clock);
    calls = new GitHubInstallationCalls(settings, clock);
  }

  @AfterEach
  void close() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    sim.close();
  }

  /** One replica: its own Redis client and journal, the shared Redis. */
  BreakGlassService replica(Vertx v, String url, String name, int historyLimit) throws Exception {
    SharedRedis redis = new SharedRedis(v, url, Duration.ofSeconds(10));
    closing.add(redis);
    clients.put(name, redis);
    FileJournal journal = FileJournal.open(JournalConfig.defaults(dir.resolve(name)), clock);
    closing.add(journal);
    CompiledPolicy policy = PolicyCompiler.compile(POLICY, "bg.yaml");
    Supplier<CompiledPolicy> p = () -> policy;
    return BreakGlassService.open(
        new BreakGlassSettings(Duration.ofMinutes(15), Duration.ofHours(1), historyLimit),
        new RedisGrantStore(redis, prefix, historyLimit),
        journal,
        p,
        app,
        calls,
        clock);
  }

  BreakGlassService replica(Vertx v, String name) throws Exception {
    return replica(v, TestRedis.shared().url(), name, 1000);
  }

  static BreakGlassRequest tokenRequest() throws Exception {
    return BreakGlassRequest.parse(
        JSON.readTree(
            "{\"kind\":\"installation-token\",\"owner\":\"acme\","
                + "\"permissions\":{\"members\":\"read\",\"administration\":\"write\"},"
                + "\"justification\":\"INC-42: restore branch protection\","
                + "\"duration_minutes\":30}"));
  }

  String requested(BreakGlassService s) throws Exception {
    return assertInstanceOf(BreakGlassOutcome.Done.class, s.request(alice, tokenRequest(), meta))
        .grant()
        .id();
  }

  static void refused(ErrorCode code, String reason, BreakGlassOutcome o) {
    BreakGlassOutcome.Refused r = assertInstanceOf(BreakGlassOutcome.Refused.class, o);
    assertEquals(code, r.code(), r.toString());
    assertEquals(reason, r.reason());
  }

  @Test
  void requestOnAApproveOnBUseOnAOnce() throws Exception {
    BreakGlassService a = replica(vertxA, "a");
    BreakGlassService b = replica(vertxB, "b");
    String id = requested(a);
    assertEquals(List.of(id), b.open().stream().map(Grant::id).toList(), "B sees A's request");
    refused(ErrorCode.SELF_APPROVAL_REFUSED, "self_approval_refused", b.approve(alice, id, meta));
    refused(
        ErrorCode.SELF_APPROVAL_REFUSED,
        "self_approval_refused",
        b.approve(aliceAtOtherSso, id, meta));
    assertInstanceOf(BreakGlassOutcome.Done.class, b.approve(bob, id, meta));
    assertEquals(GrantState.APPROVED, a.open().get(0).state(), "A sees B's approval");
    refused(ErrorCode.NOT_PENDING, "not_pending", a.approve(bob, id, meta));

    BreakGlassOutcome.Used used =
        assertInstanceOf(BreakGlassOutcome.Used.class, a.use(alice, id, meta));
    refused(ErrorCode.GRANT_ALREADY_USED, "grant_already_used", b.use(alice, id, meta));
    assertEquals(1, sim.issuedTokenCount());
    Grant seenByB = b.history().get(0);
    assertEquals("issued", seenByB.result());

    // The grant holds no secret: the token appears in Redis only as its SHA-256.
    String token = used.token().orElseThrow().token();
    String dump = dump(TestRedis.shared().url());
    assertFalse(dump.contains(token), "the token itself never reaches Redis");
    assertTrue(dump.contains(TokenHashes.sha256Hex(token)));
  }

  @Test
  void redisRoundTripsPerStep() throws Exception {
    BreakGlassService a = replica(vertxA, "a");
    SharedRedis r = clients.get("a");
    requested(a); // loads the scripts once (EVALSHA, then EVAL after NOSCRIPT)
    long t0 = r.roundTrips();
    String id = requested(a);
    long t1 = r.roundTrips();
    a.approve(bob, id, meta);
    long t2 = r.roundTrips();
    a.use(alice, id, meta);
    long t3 = r.roundTrips();
    // create; lease + read + compare-and-set + give back; the same + the result's write.
    assertEquals(List.of(1L, 4L, 5L), List.of(t1 - t0, t2 - t1, t3 - t2));
  }

  @Test
  void concurrentUsesOnTwoReplicasHaveExactlyOneWinnerEveryRound() throws Exception {
    BreakGlassService a = replica(vertxA, "a");
    BreakGlassService b = replica(vertxB, "b");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      int rounds = 25;
      for (int round = 0; round < rounds; round++) {
        String id = requested(round % 2 == 0 ? a : b);
        assertInstanceOf(BreakGlassOutcome.Done.class, b.approve(bob, id, meta));
        CountDownLatch go = new CountDownLatch(1);
        List<Future<BreakGlassOutcome>> both = new ArrayList<>();
        for (BreakGlassService s : List.of(a, b)) {
          both.add(
              pool.submit(
                  () -> {
                    go.await();
                    return s.use(alice, id, meta);
                  }));
        }
        go.countDown();
        int won = 0;
        for (Future<BreakGlassOutcome> f : both) {
          BreakGlassOutcome o = f.get();
          if (o instanceof BreakGlassOutcome.Used) {
            won++;
          } else {
            refused(ErrorCode.GRANT_ALREADY_USED, "grant_already_used", o);
          }
        }
        assertEquals(1, won, "round " + round);
      }
      assertEquals(rounds, sim.issuedTokenCount());
      assertEquals(
          rounds,
          events("a", "breakglass.use", "claimed") + events("b", "breakglass.use", "claimed"),
          "one claim journaled per grant, across both journals");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void bothReplicasSweepingAtOnceJournalEachExpiryOnce() throws Exception {
    BreakGlassService a = replica(vertxA, "a");
    BreakGlassService b = replica(vertxB, "b");
    int n = 6;
    for (int i = 0; i < n; i++) {
      String id = requested(a);
      if (i % 2 == 0) {
        b.approve(bob, id, meta);
      }
    }
    clock.advance(Duration.ofMinutes(16));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CountDownLatch go = new CountDownLatch(1);
      Future<Integer> fa =
          pool.submit(
              () -> {
                go.await();
                return a.expireDue();
              });
      Future<Integer> fb =
          pool.submit(
              () -> {
                go.await();
                return b.expireDue();
              });
      go.countDown();
      int swept = fa.get() + fb.get();
      // A sweep skips a grant the other holds; whatever it skipped the next sweep expires.
      swept += a.expireDue() + b.expireDue();
      assertEquals(n, swept);
    } finally {
      pool.shutdownNow();
    }
    assertEquals(
        n, events("a", "breakglass.expire", null) + events("b", "breakglass.expire", null));
    assertEquals(0, a.open().size());
    assertEquals(n, b.history().size());
  }

  @Test
  void decidedGrantsBeyondTheHistoryLimitAreTrimmed() throws Exception {
    BreakGlassService a = replica(vertxA, TestRedis.shared().url(), "a", 2);
    String open = requested(a);
    List<String> denied = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      clock.advance(Duration.ofSeconds(1));
      String id = requested(a);
      a.deny(bob, id, "not needed", meta);
      denied.add(id);
    }
    assertEquals(List.of(open), a.open().stream().map(Grant::id).toList());
    assertEquals(
        List.of(denied.get(3), denied.get(2)), a.history().stream().map(Grant::id).toList());
    refused(ErrorCode.NOT_FOUND, "grant_not_found", a.approve(bob, denied.get(0), meta));
  }

  @Test
  void theStoreComparesAndSetsAndNeverTrimsAReopenedGrant() throws Exception {
    SharedRedis redis = new SharedRedis(vertxA, TestRedis.shared().url(), Duration.ofSeconds(10));
    closing.add(redis);
    RedisGrantStore store = new RedisGrantStore(redis, prefix, 1);
    BreakGlassService a = replica(vertxA, TestRedis.shared().url(), "a", 1);
    String id = requested(a);
    Grant pending = store.get(id).orElseThrow();
    assertFalse(store.create(pending), "insert-if-absent");
    Grant approved =
        assertInstanceOf(BreakGlassOutcome.Done.class, a.approve(bob, id, meta)).grant();
    assertFalse(store.replace(pending, with(pending, "denied")), "pending is no longer stored");
    assertEquals(GrantState.APPROVED, store.get(id).orElseThrow().state());
    // A claim whose use did nothing at GitHub is reopened: decided, then open again.
    Grant used = with(approved, "used");
    assertTrue(store.replace(approved, used));
    assertTrue(store.replace(used, approved));
    for (int i = 0; i < 2; i++) {
      clock.advance(Duration.ofSeconds(1));
      a.deny(bob, requested(a), "not needed", meta);
    }
    assertEquals(approved, store.get(id).orElseThrow(), "an open grant is never trimmed");
    assertEquals(1, a.history().size());
  }

  /** {@code g} with another state (the transitions themselves are Tier B's). */
  static Grant with(Grant g, String state) {
    return GrantJson.fromText(GrantJson.toJson(g).put("state", state).toString());
  }

  @Test
  void aStoppedRedisRefusesEveryStepWithNothingHalfDone() throws Exception {
    TestRedis own = TestRedis.startOwn();
    closing.add(own);
    BreakGlassService a = replica(vertxA, own.url(), "a", 1000);
    String pending = requested(a);
    String approved = requested(a);
    assertInstanceOf(BreakGlassOutcome.Done.class, a.approve(bob, approved, meta));
    int before = all("a").size();

    own.close();
    refused(ErrorCode.STATE_UNAVAILABLE, "state_unavailable", a.approve(bob, pending, meta));
    refused(ErrorCode.STATE_UNAVAILABLE, "state_unavailable", a.deny(bob, pending, "x", meta));
    refused(ErrorCode.STATE_UNAVAILABLE, "state_unavailable", a.use(alice, approved, meta));
    refused(
        ErrorCode.STATE_UNAVAILABLE, "state_unavailable", a.request(alice, tokenRequest(), meta));
    clock.advance(Duration.ofMinutes(16));
    assertEquals(0, a.expireDue());

    assertEquals(0, sim.issuedTokenCount(), "no token on an unreadable grant");
    List<AuditEvent> after = all("a").subList(before, all("a").size());
    // Steps on a grant are refused before they are journaled; a new request is journaled first,
    // so its refusal follows it as an error. Every error is journaled.
    assertEquals(
        List.of(
            "breakglass.approve:error",
            "breakglass.deny:error",
            "breakglass.use:error",
            "breakglass.request:allowed",
            "breakglass.request:error"),
        after.stream().map(e -> e.action() + ":" + e.outcome()).toList());
  }

  private List<AuditEvent> all(String journal) throws Exception {
    List<AuditEvent> out = new ArrayList<>();
    try (JournalReader r = JournalReader.open(dir.resolve(journal), 1)) {
      for (Optional<JournalRecord> rec = r.next(); rec.isPresent(); rec = r.next()) {
        out.add(rec.get().event());
      }
    }
    return out;
  }

  private long events(String journal, String action, String reason) throws Exception {
    return all(journal).stream()
        .filter(e -> e.action().equals(action) && (reason == null || reason.equals(e.reason())))
        .count();
  }

  /** Every key under this test's prefix and its value, whatever its type. */
  private String dump(String url) throws Exception {
    try (SharedRedis r = new SharedRedis(vertxA, url, Duration.ofSeconds(10))) {
      StringBuilder out = new StringBuilder();
      for (Response k : r.send(Request.cmd(Command.KEYS).arg(prefix + "*"))) {
        String key = k.toString();
        out.append(key).append('=');
        String type = r.send(Request.cmd(Command.TYPE).arg(key)).toString();
        Response v =
            switch (type) {
              case "string" -> r.send(Request.cmd(Command.GET).arg(key));
              case "zset" ->
                  r.send(Request.cmd(Command.ZRANGE).arg(key).arg(0).arg(-1).arg("WITHSCORES"));
              default -> throw new AssertionError("unexpected type " + type + " of " + key);
            };
        out.append(v).append('\n');
      }
      return out.toString();
    }
  }
}
