package dev.agentbroker.policy;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Objects;

/** A rate limit of {@code permits} per one {@code unit} (second, minute, hour or day). */
public record Rate(long permits, ChronoUnit unit) {
  public Rate {
    Objects.requireNonNull(unit, "unit");
    if (permits < 1) {
      throw new IllegalArgumentException("permits must be at least 1");
    }
  }

  /** Length of the window the permits apply to. */
  public Duration window() {
    return unit.getDuration();
  }

  /** Policy-file spelling, e.g. {@code 3/hour}. */
  @Override
  public String toString() {
    String u = unit.name().toLowerCase(Locale.ROOT);
    return permits + "/" + u.substring(0, u.length() - 1);
  }
}
