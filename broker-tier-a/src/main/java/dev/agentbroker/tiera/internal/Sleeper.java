package dev.agentbroker.tiera.internal;

import java.time.Duration;

/** Waits between retries; tests substitute a recorder so they never sleep. */
@FunctionalInterface
public interface Sleeper {
  Sleeper REAL = d -> Thread.sleep(d.toMillis());

  void sleep(Duration duration) throws InterruptedException;
}
