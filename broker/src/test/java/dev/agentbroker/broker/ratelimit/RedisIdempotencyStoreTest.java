package dev.agentbroker.broker.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.agentbroker.tierb.IdempotencyStore;
import dev.agentbroker.tierb.IdempotencyStore.Claim;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Idempotency records in a real redis-server, shared by two stores on two Vert.x instances (two
 * replicas): the atomic SET NX PX claim runs a verb once across them, records are scoped per
 * caller, expire with their TTL, and an unreachable Redis refuses the call.
 */
class RedisIdempotencyStoreTest {
  private static Vertx vertx;
  private static Vertx otherVertx;
  private final String prefix = "test:" + UUID.randomUUID() + ":";

  @BeforeAll
  static void start() {
    TestRedis.shared();
    vertx = Vertx.vertx();
    otherVertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
    otherVertx.close().toCompletionStage().toCompletableFuture().join();
  }

  private RedisIdempotencyStore store(Vertx v, Duration ttl) {
    // Generous: these tests are about atomicity, not the timeout, and CI machines can be loaded.
    return new RedisIdempotencyStore(
        v, TestRedis.shared().url(), Duration.ofSeconds(10), prefix, ttl);
  }

  @Test
  void replicasShareRecordsScopedPerCaller() {
    try (RedisIdempotencyStore one = store(vertx, Duration.ofHours(1));
        RedisIdempotencyStore two = store(otherVertx, Duration.ofHours(1))) {
      String mine = IdempotencyStore.scopedKey("https://ci.test", "bot-a", "create-repo", "k");
      String theirs = IdempotencyStore.scopedKey("https://ci.test", "bot-b", "create-repo", "k");
      assertInstanceOf(Claim.Fresh.class, one.claim(mine, "h1"));
      assertInstanceOf(Claim.Busy.class, two.claim(mine, "h1"), "running on the other replica");
      assertInstanceOf(Claim.Conflict.class, two.claim(mine, "h2"));
      one.complete(mine, new IdempotencyStore.Stored(201, "{\"full_name\":\"acme/x\"}"));
      Claim.Replay r = assertInstanceOf(Claim.Replay.class, two.claim(mine, "h1"));
      assertEquals(201, r.stored().status());
      assertEquals("{\"full_name\":\"acme/x\"}", r.stored().body());
      assertInstanceOf(Claim.Fresh.class, two.claim(theirs, "h1"), "another caller's own record");
      two.release(theirs);
      assertInstanceOf(Claim.Fresh.class, one.claim(theirs, "h1"), "released, so a retry runs");
      one.release(mine);
      assertInstanceOf(Claim.Replay.class, one.claim(mine, "h1"), "a stored answer stays");
    }
  }

  @Test
  void concurrentIdenticalCallsOnTwoReplicasRunOnce() throws Exception {
    try (RedisIdempotencyStore one = store(vertx, Duration.ofHours(1));
        RedisIdempotencyStore two = store(otherVertx, Duration.ofHours(1))) {
      int n = 16;
      ExecutorService pool = Executors.newFixedThreadPool(n);
      try {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Claim>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          RedisIdempotencyStore s = i % 2 == 0 ? one : two;
          all.add(
              pool.submit(
                  () -> {
                    go.await();
                    return s.claim("same", "h");
                  }));
        }
        go.countDown();
        int fresh = 0;
        for (Future<Claim> f : all) {
          Claim c = f.get();
          fresh += c instanceof Claim.Fresh ? 1 : 0;
          assertFalse(c instanceof Claim.Unavailable, c.toString());
        }
        assertEquals(1, fresh, "exactly one call runs the verb");
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void recordsExpireWithTheirTtl() {
    // Redis expires keys on its own clock, so this waits (briefly) for real time to pass.
    try (RedisIdempotencyStore s = store(vertx, Duration.ofMillis(300))) {
      assertInstanceOf(Claim.Fresh.class, s.claim("k", "h"));
      s.complete("k", new IdempotencyStore.Stored(200, "{}"));
      assertInstanceOf(Claim.Replay.class, s.claim("k", "h"));
      Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> s.claim("k", "h") instanceof Claim.Fresh);
    }
  }

  @Test
  void anUnreachableRedisRefusesTheCall() {
    int port = TestRedis.freePort();
    try (RedisIdempotencyStore s =
        new RedisIdempotencyStore(
            vertx,
            "redis://127.0.0.1:" + port,
            Duration.ofMillis(300),
            prefix,
            Duration.ofHours(1))) {
      assertInstanceOf(Claim.Unavailable.class, s.claim("k", "h"));
    }
  }
}
