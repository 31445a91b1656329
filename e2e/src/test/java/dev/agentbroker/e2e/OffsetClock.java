package dev.agentbroker.e2e;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The system clock plus an adjustable offset: the local Actions issuer must keep real time (the
 * broker checks its tokens against its own clock), yet a test can make it sign a token in the past.
 */
final class OffsetClock extends Clock {
  private volatile Duration offset = Duration.ZERO;

  void offset(Duration d) {
    offset = d;
  }

  @Override
  public Instant instant() {
    return Instant.now().plus(offset);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
