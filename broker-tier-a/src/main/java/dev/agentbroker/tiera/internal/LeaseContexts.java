package dev.agentbroker.tiera.internal;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reference-counted interning of {@link LeaseContext}s: equal contexts of live leases share one
 * instance, and a context is forgotten when its last lease goes, so the pool never outgrows the
 * leases it serves. Counts change only inside {@link ConcurrentHashMap#compute} for the context's
 * key, which runs atomically per key.
 */
public final class LeaseContexts {
  private final ConcurrentHashMap<LeaseContext, LeaseContext> pool = new ConcurrentHashMap<>();

  /** The shared instance equal to these fields, counted as held once more. */
  public LeaseContext acquire(
      String identityId, String issuer, String subject, String owner, List<String> repositories) {
    LeaseContext probe = new LeaseContext(identityId, issuer, subject, owner, repositories);
    return pool.compute(
        probe,
        (k, existing) -> {
          LeaseContext c = existing == null ? k : existing;
          c.refs++;
          return c;
        });
  }

  /** One holder of {@code context} is gone; the last one removes it from the pool. */
  public void release(LeaseContext context) {
    pool.computeIfPresent(
        context,
        (k, existing) -> {
          if (existing != context) {
            // Not the pooled instance (cannot happen for a context from acquire): leave it alone.
            return existing;
          }
          return --existing.refs == 0 ? null : existing;
        });
  }

  /** Distinct contexts held by at least one lease. */
  public int size() {
    return pool.size();
  }
}
