package dev.agentbroker.tierb.breakglass;

import java.time.Duration;

/**
 * @param approvalWindow how long a request may wait for a decision, and at most how long an
 *     approved grant stays usable
 * @param maxDuration the longest duration a human may ask for (never above one hour: GitHub's
 *     installation tokens live one hour, a longer promise could not be kept)
 * @param historyLimit decided grants kept in the store for the web page; the journal keeps all
 */
public record BreakGlassSettings(Duration approvalWindow, Duration maxDuration, int historyLimit) {
  public static final Duration HARD_MAX_DURATION = Duration.ofHours(1);

  public BreakGlassSettings {
    if (approvalWindow.isNegative() || approvalWindow.isZero()) {
      throw new IllegalArgumentException("approval window must be positive");
    }
    if (maxDuration.isNegative()
        || maxDuration.isZero()
        || maxDuration.compareTo(HARD_MAX_DURATION) > 0) {
      throw new IllegalArgumentException("max duration must be within (0, 1h]");
    }
    if (historyLimit < 1) {
      throw new IllegalArgumentException("history limit must be >= 1");
    }
  }

  public static BreakGlassSettings defaults() {
    return new BreakGlassSettings(Duration.ofMinutes(15), HARD_MAX_DURATION, 1000);
  }
}
