package dev.agentbroker.request.admission;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * GCRA in memory, for a single broker replica. Each key keeps one number, its theoretical arrival
 * time (TAT); the emission interval is {@code window/permits} and the burst is {@code permits}.
 */
public final class InMemoryRateLimiter implements RateLimiter {
  private final Clock clock;
  private final Map<String, Long> tatNanos = new ConcurrentHashMap<>();

  public InMemoryRateLimiter(Clock clock) {
    this.clock = clock;
  }

  @Override
  public RateDecision acquire(String key, long permits, Duration window) {
    long now = clock.millis() * 1_000_000L;
    long windowNanos = window.toNanos();
    long interval = windowNanos / permits;
    RateDecision[] out = new RateDecision[1];
    tatNanos.compute(
        key,
        (k, tat) -> {
          long current = tat == null ? now : Math.max(tat, now);
          long next = current + interval;
          if (next - now > windowNanos) {
            long wait = next - windowNanos - now;
            out[0] = new RateDecision(false, permits, 0, Duration.ofNanos(Math.max(wait, 1)));
            return tat;
          }
          long remaining = (windowNanos - (next - now)) / interval;
          out[0] = new RateDecision(true, permits, remaining, Duration.ZERO);
          return next;
        });
    return out[0];
  }
}
