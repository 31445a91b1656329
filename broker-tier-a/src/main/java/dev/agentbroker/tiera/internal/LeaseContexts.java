package dev.agentbroker.tiera.internal;

import java.util.List;

/**
 * Interned {@link LeaseContext}s, two levels deep: (identity, issuer, owner, repositories) and then
 * (that, subject). Equal contexts of live leases share one instance; a context and its target are
 * forgotten with their last lease, so the pools never outgrow the registry.
 */
public final class LeaseContexts {
  private final RefCountedPool<LeaseTarget> targets = new RefCountedPool<>();
  private final RefCountedPool<LeaseContext> contexts = new RefCountedPool<>();

  /** The shared instance equal to these fields, counted as held once more. */
  public LeaseContext acquire(
      String identityId, String issuer, String subject, String owner, List<String> repositories) {
    LeaseTarget target = targets.acquire(new LeaseTarget(identityId, issuer, owner, repositories));
    LeaseContext probe = new LeaseContext(target, subject);
    LeaseContext context = contexts.acquire(probe);
    if (context != probe) {
      targets.release(target); // the pooled context already holds the (same) target
    }
    return context;
  }

  /** One holder of {@code context} (from {@link #acquire}) is gone. */
  public void release(LeaseContext context) {
    if (contexts.release(context)) {
      targets.release(context.target);
    }
  }

  /** Distinct contexts held by at least one lease. */
  public int size() {
    return contexts.size();
  }

  /** Distinct (identity, issuer, owner, repositories) held by at least one lease. */
  public int targets() {
    return targets.size();
  }
}
