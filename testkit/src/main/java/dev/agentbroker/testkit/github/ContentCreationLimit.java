package dev.agentbroker.testkit.github;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * GitHub's secondary limit on content creation: at most 80 content-creating requests per minute
 * (and 500 per hour). Beyond it GitHub answers 403 with {@code retry-after}.
 */
final class ContentCreationLimit {
  static final int PER_MINUTE = 80;
  static final int PER_HOUR = 500;

  private final Clock clock;
  private final Deque<Long> stamps = new ArrayDeque<>();

  ContentCreationLimit(Clock clock) {
    this.clock = clock;
  }

  synchronized void spend() {
    long now = clock.millis();
    while (!stamps.isEmpty() && stamps.peekFirst() <= now - 3_600_000L) {
      stamps.pollFirst();
    }
    long lastMinute = stamps.stream().filter(t -> t > now - 60_000L).count();
    if (lastMinute >= PER_MINUTE || stamps.size() >= PER_HOUR) {
      throw new ApiException(403, Messages.secondaryRateLimit("sim"), Messages.DOCS_RATE_LIMITS)
          .header("retry-after", "60");
    }
    stamps.addLast(now);
  }
}
