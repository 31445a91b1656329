package dev.agentbroker.testkit.hec;

import java.time.Duration;
import java.util.Objects;

/**
 * Faults the receiver injects into {@code /services/collector/event} requests (the health and ack
 * endpoints only see {@link #latency} and {@link #downFor}). Checked in this order: down, latency,
 * dropped connection, busy, invalid data, drop-after-record.
 *
 * <p>{@link #downFor} drops every connection without any response for the window (what a sender
 * sees when a load balancer has no healthy backend: an I/O error, like connection refused). The
 * listening socket stays bound so the port cannot be taken by something else mid-test.
 */
public final class HecFaults {
  private int busyCount;
  private int dropCount;
  private int dropAfterRecordCount;
  private int loseAckCount;
  private int invalidCount;
  private Duration latency = Duration.ZERO;
  private long downUntilNanos;
  private boolean down;

  /** The next {@code count} event requests get 503 {@code {"text":"Server is busy","code":9}}. */
  public synchronized HecFaults busyNext(int count) {
    busyCount = nonNegative(count);
    return this;
  }

  /** Every request waits this long before it is handled. */
  public synchronized HecFaults latency(Duration d) {
    latency = Objects.requireNonNull(d, "latency");
    return this;
  }

  /**
   * The next {@code count} event requests are rejected as a sender bug would be: 400 {@code
   * {"text":"Invalid data format","code":6,"invalid-event-number":0}}.
   */
  public synchronized HecFaults invalidDataNext(int count) {
    invalidCount = nonNegative(count);
    return this;
  }

  /** The next {@code count} event requests are dropped before anything is recorded. */
  public synchronized HecFaults dropNext(int count) {
    dropCount = nonNegative(count);
    return this;
  }

  /**
   * The next {@code count} event requests are recorded (indexed) and then the connection is dropped
   * without a reply: the sender must resend, producing duplicates but no loss.
   */
  public synchronized HecFaults dropAfterRecordNext(int count) {
    dropAfterRecordCount = nonNegative(count);
    return this;
  }

  /**
   * With acks on, the next {@code count} accepted requests get an ack id that never turns true and
   * their events are not recorded (lost before indexing), so only a resend delivers them.
   */
  public synchronized HecFaults loseAckNext(int count) {
    loseAckCount = nonNegative(count);
    return this;
  }

  /** Every connection is dropped without a response for {@code d} from now. */
  public synchronized HecFaults downFor(Duration d) {
    downUntilNanos = System.nanoTime() + d.toNanos();
    down = true;
    return this;
  }

  public synchronized void clear() {
    busyCount = 0;
    dropCount = 0;
    dropAfterRecordCount = 0;
    loseAckCount = 0;
    invalidCount = 0;
    latency = Duration.ZERO;
    down = false;
  }

  synchronized boolean isDown() {
    if (down && System.nanoTime() - downUntilNanos >= 0) {
      down = false;
    }
    return down;
  }

  synchronized Duration latency() {
    return latency;
  }

  synchronized boolean takeDrop() {
    return take(dropCount, () -> dropCount--);
  }

  synchronized boolean takeBusy() {
    return take(busyCount, () -> busyCount--);
  }

  synchronized boolean takeInvalid() {
    return take(invalidCount, () -> invalidCount--);
  }

  synchronized boolean takeDropAfterRecord() {
    return take(dropAfterRecordCount, () -> dropAfterRecordCount--);
  }

  synchronized boolean takeLoseAck() {
    return take(loseAckCount, () -> loseAckCount--);
  }

  private static boolean take(int count, Runnable decrement) {
    if (count > 0) {
      decrement.run();
      return true;
    }
    return false;
  }

  private static int nonNegative(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0");
    }
    return count;
  }
}
