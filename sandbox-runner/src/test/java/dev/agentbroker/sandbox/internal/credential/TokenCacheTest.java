package dev.agentbroker.sandbox.internal.credential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.sandbox.AgentException;
import dev.agentbroker.sandbox.internal.broker.Lease;
import dev.agentbroker.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Reuse while more than 10 minutes are left; re-mint after; erase; nothing after close. */
class TokenCacheTest {
  final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T10:00:00Z"));
  final AtomicInteger n = new AtomicInteger();
  final TokenCache cache =
      new TokenCache(
          () -> {
            int i = n.incrementAndGet();
            return new Lease(
                "ghs_token" + i,
                clock.instant().plus(Duration.ofHours(1)),
                Map.of("contents", "write"),
                List.of("svc-a"),
                "lease_" + "0".repeat(31) + i);
          },
          clock);

  @Test
  void reusesUntilTenMinutesAreLeftThenReMints() {
    TokenCache.Answer first = cache.get();
    assertTrue(first.minted());
    clock.advance(Duration.ofMinutes(49));
    TokenCache.Answer reused = cache.get();
    assertFalse(reused.minted(), "11 minutes left: reused");
    assertEquals(first.lease().token(), reused.lease().token());
    clock.advance(Duration.ofMinutes(1));
    TokenCache.Answer fresh = cache.get();
    assertTrue(fresh.minted(), "exactly 10 minutes left: re-minted");
    assertNotEquals(first.lease().token(), fresh.lease().token());
    assertEquals(2, cache.mints());
  }

  @Test
  void eraseOfTheCurrentTokenForcesAReMint() {
    String t = cache.get().lease().token();
    assertFalse(cache.erase("ghs_other"), "another token is not the current one");
    assertFalse(cache.get().minted());
    assertTrue(cache.erase(t));
    assertThrows(AgentException.class, cache::get, "not within 10 s of the last mint");
    clock.advance(TokenCache.MIN_INTERVAL);
    assertTrue(cache.get().minted());
  }

  @Test
  void aSandboxCannotForceMoreThanTheCapOfMints() {
    for (int i = 0; i < TokenCache.MAX_MINTS; i++) {
      Lease l = cache.get().lease();
      cache.erase(l.token());
      clock.advance(TokenCache.MIN_INTERVAL);
    }
    AgentException e = assertThrows(AgentException.class, cache::get);
    assertTrue(e.getMessage().contains("already minted 30 tokens"), e.getMessage());
    assertEquals(TokenCache.MAX_MINTS, cache.mints());
  }

  @Test
  void closeReturnsEveryLeaseAndStopsMinting() {
    cache.get();
    clock.advance(Duration.ofMinutes(55));
    cache.get();
    List<Lease> all = cache.close();
    assertEquals(2, all.size());
    assertThrows(AgentException.class, cache::get);
    assertFalse(all.get(0).toString().contains("ghs_token"), "a lease never prints its token");
  }
}
