package dev.agentbroker.tierb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.agentbroker.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Idempotency records: scoped to the caller, expiring with the clock, claimed atomically. */
class InMemoryIdempotencyStoreTest {
  final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
  final IdempotencyStore store = new InMemoryIdempotencyStore(clock, Duration.ofHours(1));

  @Test
  void keysAreScopedToIssuerSubjectAndVerb() {
    String a = IdempotencyStore.scopedKey("https://ci.test", "bot-a", "create-repo", "k1");
    assertNotEquals(a, IdempotencyStore.scopedKey("https://ci.test", "bot-b", "create-repo", "k1"));
    assertNotEquals(
        a, IdempotencyStore.scopedKey("https://other.test", "bot-a", "create-repo", "k1"));
    assertNotEquals(
        a, IdempotencyStore.scopedKey("https://ci.test", "bot-a", "set-repo-metadata", "k1"));
    // No separator trick makes two callers' parts collide.
    assertNotEquals(
        IdempotencyStore.scopedKey("i", "a|b", "v", "k"),
        IdempotencyStore.scopedKey("i|a", "b", "v", "k"));
    assertEquals(a, IdempotencyStore.scopedKey("https://ci.test", "bot-a", "create-repo", "k1"));
  }

  @Test
  void anotherCallersKeyIsNeverAReplay() {
    String mine = IdempotencyStore.scopedKey("https://ci.test", "bot-a", "create-repo", "k1");
    String theirs = IdempotencyStore.scopedKey("https://ci.test", "bot-b", "create-repo", "k1");
    assertInstanceOf(IdempotencyStore.Claim.Fresh.class, store.claim(mine, "h"));
    store.complete(mine, new IdempotencyStore.Stored(201, "{\"secret\":\"a's result\"}"));
    assertInstanceOf(IdempotencyStore.Claim.Fresh.class, store.claim(theirs, "h"));
    assertInstanceOf(IdempotencyStore.Claim.Replay.class, store.claim(mine, "h"));
  }

  @Test
  void recordsExpireAfterTheTtl() {
    assertInstanceOf(IdempotencyStore.Claim.Fresh.class, store.claim("k", "h"));
    store.complete("k", new IdempotencyStore.Stored(201, "{}"));
    clock.advance(Duration.ofMinutes(59));
    assertInstanceOf(IdempotencyStore.Claim.Replay.class, store.claim("k", "h"));
    assertInstanceOf(IdempotencyStore.Claim.Conflict.class, store.claim("k", "other"));
    clock.advance(Duration.ofMinutes(1));
    assertEquals(java.util.Optional.empty(), store.peek("k"));
    assertInstanceOf(IdempotencyStore.Claim.Fresh.class, store.claim("k", "other"));
  }

  @Test
  void busyUntilCompletedAndReleasable() {
    assertInstanceOf(IdempotencyStore.Claim.Fresh.class, store.claim("k", "h"));
    assertInstanceOf(IdempotencyStore.Claim.Busy.class, store.claim("k", "h"));
    store.release("k");
    assertInstanceOf(IdempotencyStore.Claim.Fresh.class, store.claim("k", "h"));
  }

  @Test
  void concurrentIdenticalCallsRunOnce() throws Exception {
    int n = 16;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<IdempotencyStore.Claim>> all = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        all.add(
            pool.submit(
                () -> {
                  go.await();
                  return store.claim("same", "h");
                }));
      }
      go.countDown();
      int fresh = 0;
      for (Future<IdempotencyStore.Claim> f : all) {
        fresh += f.get() instanceof IdempotencyStore.Claim.Fresh ? 1 : 0;
      }
      assertEquals(1, fresh);
    } finally {
      pool.shutdownNow();
    }
  }
}
