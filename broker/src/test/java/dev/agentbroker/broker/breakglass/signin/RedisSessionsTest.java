package dev.agentbroker.broker.breakglass.signin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.broker.ratelimit.TestRedis;
import dev.agentbroker.broker.state.Sealer;
import dev.agentbroker.broker.state.SharedRedis;
import dev.agentbroker.broker.state.StateUnavailableException;
import dev.agentbroker.testkit.MutableClock;
import dev.agentbroker.tierb.breakglass.Human;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The page's sign-in state on two "replicas" sharing one real redis-server: a session made on one
 * is valid on the other, a sign-in in progress is taken once across both, no secret is stored in
 * the clear, and a stopped Redis throws (the caller answers 503) rather than answering "signed in".
 */
class RedisSessionsTest {
  static Vertx vertxA;
  static Vertx vertxB;
  static final byte[] KEY = new byte[32];

  final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
  final String prefix = "test:" + UUID.randomUUID() + ":";
  final Human alice = new Human("https://humans.test", "alice", "alice@acme.example", true);
  final List<SharedRedis> clients = new ArrayList<>();

  @BeforeAll
  static void start() {
    new SecureRandom().nextBytes(KEY);
    TestRedis.shared();
    vertxA = Vertx.vertx();
    vertxB = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertxA.close().toCompletionStage().toCompletableFuture().join();
    vertxB.close().toCompletionStage().toCompletableFuture().join();
  }

  @AfterEach
  void close() {
    clients.forEach(SharedRedis::close);
  }

  RedisSessions replica(Vertx v, String url) {
    SharedRedis r = new SharedRedis(v, url, Duration.ofSeconds(10));
    clients.add(r);
    return new RedisSessions(
        r, new Sealer(KEY), prefix, clock, Duration.ofMinutes(15), Duration.ofHours(8));
  }

  RedisSessions replica(Vertx v) {
    return replica(v, TestRedis.shared().url());
  }

  @Test
  void aSessionMadeOnOneReplicaIsValidOnTheOtherUntilItEnds() throws Exception {
    RedisSessions a = replica(vertxA);
    RedisSessions b = replica(vertxB);
    String cookie = a.create(alice).orElseThrow();
    Sessions.Session onA = a.touch(cookie).orElseThrow();
    Sessions.Session onB = b.touch(cookie).orElseThrow();
    assertEquals(alice, onB.human());
    assertEquals(onA.csrfToken(), onB.csrfToken(), "one session, one CSRF token");
    assertEquals(Optional.empty(), b.touch(cookie + "x"));
    assertEquals(Optional.empty(), b.touch(null));

    // The idle clock restarts on use, on either replica; the maximum lifetime does not.
    clock.advance(Duration.ofMinutes(14));
    assertTrue(b.touch(cookie).isPresent());
    clock.advance(Duration.ofMinutes(14));
    assertTrue(a.touch(cookie).isPresent());
    clock.advance(Duration.ofMinutes(16));
    assertEquals(Optional.empty(), b.touch(cookie), "idle too long");
    assertEquals(Optional.empty(), a.touch(cookie), "and gone for every replica");

    String other = b.create(alice).orElseThrow();
    assertTrue(a.touch(other).isPresent());
    a.end(other);
    assertEquals(Optional.empty(), b.touch(other), "signed out on A is signed out on B");

    String old = a.create(alice).orElseThrow();
    for (int i = 0; i < 40; i++) {
      clock.advance(Duration.ofMinutes(12));
      a.touch(old);
    }
    assertEquals(Optional.empty(), b.touch(old), "the maximum lifetime ends it");
  }

  @Test
  void aSignInInProgressIsTakenOnceAcrossReplicas() throws Exception {
    RedisSessions a = replica(vertxA);
    RedisSessions b = replica(vertxB);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 25; round++) {
        Sessions.PendingSignIn p =
            new Sessions.PendingSignIn(
                Sessions.random(), Sessions.random(), Sessions.random(), clock.instant());
        String handle = (round % 2 == 0 ? a : b).begin(p);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Optional<Sessions.PendingSignIn>>> both = new ArrayList<>();
        for (RedisSessions s : List.of(a, b)) {
          both.add(
              pool.submit(
                  () -> {
                    go.await();
                    return s.finish(handle);
                  }));
        }
        go.countDown();
        List<Sessions.PendingSignIn> got = new ArrayList<>();
        for (Future<Optional<Sessions.PendingSignIn>> f : both) {
          f.get().ifPresent(got::add);
        }
        assertEquals(List.of(p), got, "round " + round + ": exactly one callback gets it, intact");
      }
    } finally {
      pool.shutdownNow();
    }
    String late = a.begin(new Sessions.PendingSignIn("s", "n", "v", clock.instant()));
    clock.advance(Sessions.SIGN_IN_LIFETIME);
    assertEquals(Optional.empty(), b.finish(late), "older than 10 minutes");
  }

  @Test
  void noSecretIsStoredInTheClear() throws Exception {
    RedisSessions a = replica(vertxA);
    Sessions.PendingSignIn p =
        new Sessions.PendingSignIn(
            Sessions.random(), Sessions.random(), Sessions.random(), clock.instant());
    String handle = a.begin(p);
    String cookie = a.create(alice).orElseThrow();
    String csrf = a.touch(cookie).orElseThrow().csrfToken();

    String dump = dump();
    assertEquals(2, dump.lines().count(), dump);
    for (String secret : List.of(p.state(), p.nonce(), p.verifier(), handle, cookie, csrf)) {
      assertFalse(dump.contains(secret), "a secret in Redis: " + dump);
    }
    assertTrue(dump.contains(Sessions.hash(cookie)), "keys are the cookie's SHA-256");
    assertTrue(dump.contains(Sessions.hash(handle)));
  }

  @Test
  void aRecordMovedToAnotherKeyDoesNotOpen() throws Exception {
    RedisSessions a = replica(vertxA);
    SharedRedis raw = clients.get(0);
    String one = a.create(alice).orElseThrow();
    String two = a.create(alice).orElseThrow();
    String k1 = prefix + "bg:session:" + Sessions.hash(one);
    String k2 = prefix + "bg:session:" + Sessions.hash(two);
    Response v = raw.send(Request.cmd(Command.GET).arg(k1));
    raw.send(Request.cmd(Command.SET).arg(k2).arg(v.toString()).arg("KEEPTTL"));
    assertThrows(StateUnavailableException.class, () -> a.touch(two));
    assertTrue(a.touch(one).isPresent());
  }

  @Test
  void aStoppedRedisThrowsNeverSignedIn() throws Exception {
    TestRedis own = TestRedis.startOwn();
    RedisSessions a;
    String cookie;
    try {
      a = replica(vertxA, own.url());
      cookie = a.create(alice).orElseThrow();
      assertTrue(a.touch(cookie).isPresent());
    } finally {
      own.close();
    }
    String c = cookie;
    RedisSessions down = a;
    assertThrows(StateUnavailableException.class, () -> down.touch(c));
    assertThrows(StateUnavailableException.class, () -> down.create(alice));
    assertThrows(
        StateUnavailableException.class,
        () -> down.begin(new Sessions.PendingSignIn("s", "n", "v", clock.instant())));
    assertThrows(StateUnavailableException.class, () -> down.finish(c));
    assertThrows(StateUnavailableException.class, () -> down.end(c));
  }

  private String dump() throws Exception {
    SharedRedis r = clients.get(0);
    StringBuilder out = new StringBuilder();
    for (Response k : r.send(Request.cmd(Command.KEYS).arg(prefix + "*"))) {
      out.append(k).append('=');
      out.append(r.send(Request.cmd(Command.GET).arg(k.toString()))).append('\n');
    }
    return out.toString();
  }
}
