package dev.agentbroker.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that only moves when a test tells it to.
 *
 * <p>Token expiry, JWT lifetimes and rate-limit windows are all time-driven; sleeping real time in
 * tests would be slow and flaky, so every component takes a {@code Clock} and tests hand it this
 * one. It is thread-safe because the simulator's HTTP worker threads read it while the test thread
 * advances it.
 */
public final class MutableClock extends Clock {

  private final AtomicReference<Instant> now;

  public MutableClock(Instant start) {
    this.now = new AtomicReference<>(Objects.requireNonNull(start, "start"));
  }

  /** Moves time forward (or backward, for a negative duration) atomically. */
  public void advance(Duration d) {
    Objects.requireNonNull(d, "d");
    now.updateAndGet(t -> t.plus(d));
  }

  /** Jumps to an absolute instant. */
  public void set(Instant t) {
    now.set(Objects.requireNonNull(t, "t"));
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  /**
   * Returns a clock in another zone that still follows this one, so a component that re-zones its
   * clock does not silently detach from the test's control of time.
   */
  @Override
  public Clock withZone(ZoneId zone) {
    if (ZoneOffset.UTC.equals(zone)) {
      return this;
    }
    return new ZonedView(this, zone);
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public long millis() {
    return now.get().toEpochMilli();
  }

  @Override
  public String toString() {
    return "MutableClock[" + now.get() + "]";
  }

  /** Zone-shifted view sharing the parent's instant. */
  private static final class ZonedView extends Clock {
    private final MutableClock parent;
    private final ZoneId zone;

    ZonedView(MutableClock parent, ZoneId zone) {
      this.parent = parent;
      this.zone = Objects.requireNonNull(zone, "zone");
    }

    @Override
    public ZoneId getZone() {
      return zone;
    }

    @Override
    public Clock withZone(ZoneId z) {
      return parent.withZone(z);
    }

    @Override
    public Instant instant() {
      return parent.instant();
    }
  }
}
