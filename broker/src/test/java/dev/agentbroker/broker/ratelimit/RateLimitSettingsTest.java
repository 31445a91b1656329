package dev.agentbroker.broker.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.policy.Rate;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RateLimitSettingsTest {
  record Config(
      String store,
      Optional<String> redisUrl,
      Duration redisTimeout,
      String redisKeyPrefix,
      String tokenRequests,
      String globalGithubBudget,
      String tierAOnStoreFailure)
      implements RateLimitConfig {}

  private static Config defaults() {
    return new Config(
        "memory",
        Optional.empty(),
        Duration.ofMillis(250),
        "agent-broker:rl:",
        "120/minute",
        "4000/hour",
        "fail-closed");
  }

  @Test
  void defaultsAreValid() {
    RateLimitSettings s = RateLimitSettings.of(defaults());
    assertEquals(RateLimitSettings.Store.MEMORY, s.store());
    assertEquals(new Rate(120, ChronoUnit.MINUTES), s.tokenRequests());
    assertEquals(new Rate(4000, ChronoUnit.HOURS), s.globalGithubBudget());
    assertEquals(RateLimitSettings.StoreFailure.FAIL_CLOSED, s.tierAOnStoreFailure());
  }

  @Test
  void everyProblemIsListedAtOnceAndThePasswordNever() {
    Config bad =
        new Config(
            "redis", Optional.empty(), Duration.ZERO, "", "lots", "0/hour", "allow-everything");
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> RateLimitSettings.of(bad));
    String m = e.getMessage();
    for (String key :
        new String[] {
          "broker.ratelimit.redis-url (BROKER_RATELIMIT_REDIS_URL) is required",
          "redis-timeout",
          "redis-key-prefix",
          "token-requests",
          "global-github-budget",
          "broker.ratelimit.tier-a-on-store-failure (BROKER_RATELIMIT_TIER_A_ON_STORE_FAILURE)"
              + " must be one of fail-closed|allow-local"
        }) {
      assertTrue(m.contains(key), key + " missing from:\n" + m);
    }
    Config badUrl =
        new Config(
            "redis",
            Optional.of("http://:hunter2@redis:6379"),
            Duration.ofMillis(250),
            "p:",
            "3/hour",
            "10/hour",
            "allow-local");
    String m2 =
        assertThrows(IllegalStateException.class, () -> RateLimitSettings.of(badUrl)).getMessage();
    assertTrue(m2.contains("redis:// or rediss://"), m2);
    assertFalse(m2.contains("hunter2"), m2);
  }

  @Test
  void ratesUseThePolicySpelling() {
    assertEquals(new Rate(3, ChronoUnit.HOURS), RateLimitSettings.parseRate("3/hour"));
    assertEquals(new Rate(7, ChronoUnit.SECONDS), RateLimitSettings.parseRate(" 7 / Second "));
    assertEquals(new Rate(1, ChronoUnit.DAYS), RateLimitSettings.parseRate("1/day"));
    assertNull(RateLimitSettings.parseRate("3/hours"));
    assertNull(RateLimitSettings.parseRate("-1/hour"));
    assertNull(RateLimitSettings.parseRate("2000000/second"));
  }

  @Test
  void redactionDropsUserInfo() {
    assertEquals(
        "rediss://cache.internal:6380/2",
        RateLimitSettings.redact("rediss://broker:p%40ss@cache.internal:6380/2"));
    assertEquals(Optional.of("p%40ss"), RateLimitSettings.password("redis://u:p%40ss@h:1"));
    assertEquals(Optional.of("pw"), RateLimitSettings.password("redis://:pw@h:1"));
    assertEquals(Optional.empty(), RateLimitSettings.password("redis://h:1"));
  }
}
