package dev.agentbroker.testkit.openbao;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** Fault injection on answers; {@link OpenBaoSimulator#down()} makes the server unreachable. */
public final class BaoFaults {
  private volatile Duration latency = Duration.ZERO;
  private final AtomicInteger failRemaining = new AtomicInteger();
  private volatile int failStatus = 503;

  /** The next {@code n} requests get {@code status} with a Vault error body. */
  public void failNext(int n, int status) {
    failStatus = status;
    failRemaining.set(n);
  }

  /** Every answer is delayed by {@code d}. */
  public void latency(Duration d) {
    latency = d;
  }

  public void clear() {
    latency = Duration.ZERO;
    failRemaining.set(0);
  }

  Duration latency() {
    return latency;
  }

  /** Returns the status to fail with, or 0. */
  int takeFailure() {
    return failRemaining.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0 ? failStatus : 0;
  }
}
