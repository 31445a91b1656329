package dev.agentbroker.broker.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.request.admission.InMemoryRateLimiter;
import dev.agentbroker.request.admission.RateDecision;
import dev.agentbroker.request.admission.RateLimiter;
import dev.agentbroker.request.admission.RateLimiterUnavailableException;
import dev.agentbroker.testkit.MutableClock;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Lua GCRA against a real Redis: same answers as in memory, atomic across replicas. */
class RedisRateLimiterTest {
  private static Vertx vertx;
  private static Vertx otherVertx;

  @BeforeAll
  static void start() {
    TestRedis.shared();
    vertx = Vertx.vertx();
    // The second "replica" gets its own Vert.x, event loops and connection pool.
    otherVertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
    otherVertx.close().toCompletionStage().toCompletableFuture().join();
  }

  /** A fresh key space per test, so runs against the shared CI Redis never see old state. */
  private static String prefix() {
    return "test:" + UUID.randomUUID() + ":";
  }

  private static RedisRateLimiter redis(Vertx v, String url, Duration timeout, Clock c, String p) {
    return new RedisRateLimiter(v, url, timeout, p, c);
  }

  @Test
  void luaGcraAnswersLikeTheInMemoryLimiter() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
    InMemoryRateLimiter memory = new InMemoryRateLimiter(clock);
    // Emission intervals that are whole microseconds, so both resolutions agree exactly.
    record Limit(String key, long permits, Duration window) {}
    List<Limit> limits =
        List.of(
            new Limit("verb|a|create-repo", 3, Duration.ofHours(1)),
            new Limit("token|a", 5, Duration.ofMinutes(1)),
            new Limit("global|github", 4000, Duration.ofHours(1)),
            new Limit("token|b", 2, Duration.ofDays(1)));
    Random random = new Random(20261127);
    int allowed = 0;
    int refused = 0;
    try (RedisRateLimiter redis =
        redis(vertx, TestRedis.shared().url(), Duration.ofSeconds(2), clock, prefix())) {
      for (int step = 0; step < 400; step++) {
        Limit l = limits.get(random.nextInt(limits.size()));
        int burst = l.permits() > 100 ? 1 + random.nextInt(40) : 1;
        for (int i = 0; i < burst; i++) {
          RateDecision want = memory.acquire(l.key(), l.permits(), l.window());
          RateDecision got = redis.acquire(l.key(), l.permits(), l.window());
          assertEquals(want, got, "step " + step + " " + l + " at " + clock.instant());
          if (got.allowed()) {
            allowed++;
          } else {
            refused++;
          }
        }
        // Mostly small steps (bursts hit the limits), sometimes a jump past a window.
        long ms =
            switch (random.nextInt(4)) {
              case 0 -> 0;
              case 1 -> random.nextInt(2_000);
              case 2 -> random.nextInt(60_000);
              default -> random.nextInt(1_800_000);
            };
        clock.advance(Duration.ofMillis(ms));
      }
    }
    assertTrue(allowed > 100 && refused > 100, "allowed " + allowed + ", refused " + refused);
  }

  @Test
  void refusalRecoversAfterTheEmissionInterval() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
    try (RedisRateLimiter redis =
        redis(vertx, TestRedis.shared().url(), Duration.ofSeconds(2), clock, prefix())) {
      for (int i = 2; i >= 0; i--) {
        RateDecision d = redis.acquire("k", 3, Duration.ofHours(1));
        assertTrue(d.allowed());
        assertEquals(i, d.remaining());
      }
      RateDecision no = redis.acquire("k", 3, Duration.ofHours(1));
      assertFalse(no.allowed());
      assertEquals(Duration.ofMinutes(20), no.retryAfter());
      clock.advance(Duration.ofMinutes(20).minusMillis(1));
      assertFalse(redis.acquire("k", 3, Duration.ofHours(1)).allowed());
      clock.advance(Duration.ofMillis(1));
      assertTrue(redis.acquire("k", 3, Duration.ofHours(1)).allowed());
    }
  }

  @Test
  void twoReplicasUnderConcurrentLoadNeverExceedTheLimit() throws Exception {
    String prefix = prefix();
    String url = TestRedis.shared().url();
    long limit = 100;
    int threadsPerReplica = 32;
    int attemptsPerThread = 8;
    // A generous timeout: a timed-out call may have spent a unit, which would hide an overspend.
    try (RedisRateLimiter a = redis(vertx, url, Duration.ofSeconds(5), Clock.systemUTC(), prefix);
        RedisRateLimiter b =
            redis(otherVertx, url, Duration.ofSeconds(5), Clock.systemUTC(), prefix)) {
      ExecutorService pool = Executors.newFixedThreadPool(2 * threadsPerReplica);
      CountDownLatch go = new CountDownLatch(1);
      AtomicInteger allowed = new AtomicInteger();
      AtomicInteger refused = new AtomicInteger();
      List<Future<?>> done = new java.util.ArrayList<>();
      for (int t = 0; t < 2 * threadsPerReplica; t++) {
        RateLimiter replica = t % 2 == 0 ? a : b;
        done.add(
            pool.submit(
                () -> {
                  go.await();
                  for (int i = 0; i < attemptsPerThread; i++) {
                    RateDecision d =
                        replica.acquire("verb|x|create-repo", limit, Duration.ofHours(1));
                    (d.allowed() ? allowed : refused).incrementAndGet();
                  }
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS); // rethrows any RateLimiterUnavailableException
      }
      pool.shutdown();
      assertEquals(limit, allowed.get(), "exactly the limit is spent across both replicas");
      assertEquals(2L * threadsPerReplica * attemptsPerThread - limit, refused.get());
    }
  }

  @Test
  void closedPortFailsClosedQuickly() {
    String url = "redis://:s3cret-pa55@127.0.0.1:" + TestRedis.freePort();
    try (RedisRateLimiter r =
        redis(vertx, url, Duration.ofMillis(250), Clock.systemUTC(), prefix())) {
      long t0 = System.nanoTime();
      RateLimiterUnavailableException e =
          assertThrows(
              RateLimiterUnavailableException.class, () -> r.acquire("k", 3, Duration.ofHours(1)));
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertTrue(
          ms < 3_000, "failed after " + ms + " ms"); // bounded, with room for a loaded CI machine
      for (Throwable c = e; c != null; c = c.getCause()) {
        assertFalse(String.valueOf(c.getMessage()).contains("s3cret"), "password in " + c);
      }
      assertFalse(r.ping());
    }
  }

  @Test
  void redisStoppedThenRestartedFailsClosedThenRecovers() throws Exception {
    TestRedis own = TestRedis.startOwn();
    int port = own.port();
    MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
    try (RedisRateLimiter r = redis(vertx, own.url(), Duration.ofMillis(250), clock, prefix())) {
      // The first call opens the connection and loads the script: on a loaded machine that can
      // take longer than the 250 ms budget, which is not what this test is about.
      RateDecision first = acquireWithin(r, Duration.ofSeconds(5));
      assertNotNull(first, "the fresh Redis never answered");
      assertTrue(first.allowed());
      own.close();
      long t0 = System.nanoTime();
      assertThrows(
          RateLimiterUnavailableException.class, () -> r.acquire("k", 3, Duration.ofHours(1)));
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      // Bounded, not instant: a refused connection or the 250 ms timeout, plus scheduling.
      assertTrue(ms < 3_000, "failed after " + ms + " ms");
      // A fresh server has neither the script cache nor the TAT: EVALSHA → NOSCRIPT → EVAL.
      try (TestRedis again = TestRedis.startOn(port)) {
        RateDecision d = acquireWithin(r, Duration.ofSeconds(5));
        assertNotNull(d, "no recovery after Redis came back");
        assertTrue(d.allowed());
        assertEquals(2, d.remaining());
      }
    }
  }

  /** Retries until Redis answers or the deadline passes; null if it never did. */
  private static RateDecision acquireWithin(RedisRateLimiter r, Duration limit)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        return r.acquire("k", 3, Duration.ofHours(1));
      } catch (RateLimiterUnavailableException e) {
        Thread.sleep(50); // the pool drops its dead connections first
      }
    }
    return null;
  }

  /** A sanity number for the docs, printed, never asserted; {@code -Drl.n=30000} runs longer. */
  @Test
  void measuresThroughput() throws Exception {
    int n = Integer.getInteger("rl.n", 1000);
    InMemoryRateLimiter memory = new InMemoryRateLimiter(Clock.systemUTC());
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      memory.acquire("k" + (i % 50), 1_000_000, Duration.ofHours(1));
    }
    long memNs = System.nanoTime() - t0;
    try (RedisRateLimiter r =
        redis(
            vertx, TestRedis.shared().url(), Duration.ofSeconds(2), Clock.systemUTC(), prefix())) {
      r.acquire("warm", 10, Duration.ofHours(1));
      t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        r.acquire("k" + (i % 50), 1_000_000, Duration.ofHours(1));
      }
      long seqNs = System.nanoTime() - t0;
      ExecutorService pool = Executors.newFixedThreadPool(32);
      t0 = System.nanoTime();
      List<Future<?>> fs = new java.util.ArrayList<>();
      for (int t = 0; t < 32; t++) {
        fs.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < n / 32; i++) {
                    r.acquire("k" + (i % 50), 1_000_000, Duration.ofHours(1));
                  }
                  return null;
                }));
      }
      for (Future<?> f : fs) {
        f.get(30, TimeUnit.SECONDS);
      }
      long parNs = System.nanoTime() - t0;
      pool.shutdown();
      System.out.printf(
          "GCRA ops/s: in-memory %.0f, redis 1 thread %.0f, redis 32 threads %.0f%n",
          n * 1e9 / memNs, n * 1e9 / seqNs, (n / 32 * 32) * 1e9 / parNs);
    }
  }
}
