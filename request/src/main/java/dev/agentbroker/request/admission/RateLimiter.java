package dev.agentbroker.request.admission;

import java.time.Duration;

/**
 * GCRA rate limiting: {@code permits} per {@code window}, bursting up to {@code permits}. Spending
 * is atomic per key: two callers can never both spend the last unit.
 */
public interface RateLimiter {
  /**
   * Spends one unit for {@code key} if allowed.
   *
   * @throws RateLimiterUnavailableException when the shared store cannot be reached (fail closed)
   */
  RateDecision acquire(String key, long permits, Duration window)
      throws RateLimiterUnavailableException;
}
