package dev.agentbroker.audit.hec.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter (a random delay in {@code [0, min(max, base·2^attempt)]}),
 * so many brokers recovering from the same HEC outage do not retry in lockstep.
 */
public final class Backoff {
  private final long baseNanos;
  private final long maxNanos;

  public Backoff(Duration base, Duration max) {
    this.baseNanos = Math.max(1, base.toNanos());
    this.maxNanos = Math.max(baseNanos, max.toNanos());
  }

  /** Delay before retry number {@code attempt} (0-based); at least 1 ms so retries never spin. */
  public Duration delay(int attempt) {
    long cap = baseNanos;
    for (int i = 0; i < attempt && cap < maxNanos; i++) {
      cap = cap * 2;
    }
    cap = Math.min(cap, maxNanos);
    long jittered = ThreadLocalRandom.current().nextLong(cap + 1);
    return Duration.ofNanos(Math.max(jittered, 1_000_000L));
  }

  /** A server's Retry-After wins if it is longer, capped at the maximum. */
  public Duration delay(int attempt, Duration retryAfter) {
    Duration d = delay(attempt);
    if (retryAfter != null && retryAfter.compareTo(d) > 0) {
      return retryAfter.toNanos() > maxNanos ? Duration.ofNanos(maxNanos) : retryAfter;
    }
    return d;
  }
}
