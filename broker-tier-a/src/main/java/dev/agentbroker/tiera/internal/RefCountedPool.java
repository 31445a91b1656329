package dev.agentbroker.tiera.internal;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Reference-counted interning: equal values share one instance while anyone holds it, and the
 * instance is forgotten with its last holder, so the pool never outgrows what it serves. Counts
 * change only inside {@link ConcurrentHashMap#compute} for the value's key (atomic per key).
 */
final class RefCountedPool<T extends Pooled> {
  private final ConcurrentHashMap<T, T> pool = new ConcurrentHashMap<>();

  /** The shared instance equal to {@code probe} (the probe itself if new), held once more. */
  T acquire(T probe) {
    return pool.compute(
        probe,
        (k, existing) -> {
          T v = existing == null ? k : existing;
          v.refs++;
          return v;
        });
  }

  /**
   * One holder of {@code value} (an instance from {@link #acquire}) is gone; true if it was the
   * last.
   */
  boolean release(T value) {
    boolean[] last = {false};
    pool.computeIfPresent(
        value,
        (k, existing) -> {
          if (existing != value) {
            return existing; // not the pooled instance: nothing of ours to release
          }
          last[0] = --existing.refs == 0;
          return last[0] ? null : existing;
        });
    return last[0];
  }

  int size() {
    return pool.size();
  }
}
