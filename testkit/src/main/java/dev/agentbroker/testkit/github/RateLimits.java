package dev.agentbroker.testkit.github;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-identity hourly request counters backing the {@code x-ratelimit-*} headers. GitHub counts
 * App-JWT requests against the App and installation-token requests against the installation, so the
 * key is that identity. The counters are reported, not enforced: a benchmark minting thousands of
 * tokens per second would otherwise exhaust 5000/h within a second. Use {@link
 * Faults#primaryRateLimitExhausted} to simulate exhaustion.
 */
final class RateLimits {
  static final int LIMIT = 5000;
  static final String RESOURCE = "core";

  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

  record Window(long reset, int used) {}

  /** Counts one request for {@code identity} at {@code nowEpoch} and returns the new window. */
  Window touch(String identity, long nowEpoch) {
    return windows.compute(
        identity,
        (k, w) ->
            w == null || nowEpoch >= w.reset()
                ? new Window(nowEpoch + 3600, 1)
                : new Window(w.reset(), w.used() + 1));
  }
}
