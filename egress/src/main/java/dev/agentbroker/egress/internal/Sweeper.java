package dev.agentbroker.egress.internal;

import io.netty.channel.EventLoop;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The timers of every connection on one event loop, as one periodic sweep instead of a timer per
 * connection per phase. Arming and cancelling a Netty timer for each handshake, resolution,
 * connect, idle period and lifetime cost allocations, heap operations and, with epoll, {@code
 * timerfd} syscalls whenever the earliest deadline changed, which was nearly every tunnel. A sweep
 * every {@link #TICK_MILLIS} ms over the loop's connections is a few field reads each, and makes
 * every timeout fire within one tick of its configured value (never earlier).
 *
 * <p>Confined to its event loop: the connection list is intrusive and touched only from there.
 */
final class Sweeper {
  static final long TICK_MILLIS = 100;

  private final EventLoop loop;
  private final ProxyMetrics metrics;
  private ProxyConnection head;
  private long now = System.nanoTime();
  private ScheduledFuture<?> task;

  Sweeper(EventLoop loop, ProxyMetrics metrics) {
    this.loop = loop;
    this.metrics = metrics;
  }

  void start() {
    task = loop.scheduleAtFixedRate(this::sweep, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  void stop() {
    if (task != null) {
      task.cancel(false);
    }
  }

  EventLoop loop() {
    return loop;
  }

  /**
   * The time of the last sweep: what connections stamp as "last active" on every read, so the hot
   * path never reads the clock. Idle timeouts are therefore exact to one tick.
   */
  long now() {
    return now;
  }

  void add(ProxyConnection c) {
    c.next = head;
    c.prev = null;
    if (head != null) {
      head.prev = c;
    }
    head = c;
  }

  void remove(ProxyConnection c) {
    if (c.prev != null) {
      c.prev.next = c.next;
    } else if (head == c) {
      head = c.next;
    }
    if (c.next != null) {
      c.next.prev = c.prev;
    }
    c.next = null;
    c.prev = null;
  }

  private void sweep() {
    now = System.nanoTime();
    long up = 0;
    long down = 0;
    ProxyConnection c = head;
    while (c != null) {
      // Read next first: a connection that times out removes itself from the list.
      ProxyConnection next = c.next;
      up += c.takeUnreportedUp();
      down += c.takeUnreportedDown();
      c.sweep(now);
      c = next;
    }
    metrics.bytes(up, down);
  }
}
