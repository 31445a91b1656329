package dev.agentbroker.broker.internal;

import dev.agentbroker.audit.FileJournal;
import dev.agentbroker.broker.state.RedisLeaseStore;
import dev.agentbroker.broker.state.SharedState;
import dev.agentbroker.policy.PolicyStore;
import dev.agentbroker.tiera.LeaseStore;
import dev.agentbroker.tiera.keys.AppJwtSigner;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * Ready only when the journal accepts appends and, with {@code broker.state.store=redis}, the
 * shared Redis answers a PING and does not run an evicting {@code maxmemory-policy} (one would drop
 * leases silently, so tokens could no longer be revoked). Policy state is reported alongside.
 */
@Readiness
@ApplicationScoped
public class ReadinessChecks implements HealthCheck {
  private static final Logger LOG = Logger.getLogger(ReadinessChecks.class);

  @Inject FileJournal journal;
  @Inject PolicyStore policy;
  @Inject AppJwtSigner signer;
  @Inject LeaseStore leases;
  @Inject SharedState state;

  private final AtomicBoolean policyUnknownWarned = new AtomicBoolean();
  private final AtomicBoolean evictingLogged = new AtomicBoolean();

  @Override
  public HealthCheckResponse call() {
    var stats = journal.stats();
    var p = policy;
    boolean up = stats.healthy();
    HealthCheckResponseBuilder b =
        HealthCheckResponse.named("broker")
            .withData("journal_healthy", stats.healthy())
            .withData("journal_pending", stats.pending())
            .withData("policy_sha256", p.current().sourceSha256())
            .withData("policy_last_reload_failed", p.lastReloadFailed())
            .withData("key_source", signer.describe());
    if (leases.size() >= 0) {
      b.withData("leases_active", leases.size());
    }
    if (state.shared() && leases instanceof RedisLeaseStore shared) {
      boolean ping = state.redis().ping();
      b.withData("state_store", "redis").withData("state_redis_ping", ping);
      up &= ping;
      if (ping) {
        up &= policyAcceptable(shared.maxmemoryPolicy(), b);
      }
    }
    return b.status(up).build();
  }

  /**
   * An evicting policy is refused; an unreadable one (CONFIG and INFO both denied) is accepted with
   * a warning, since many managed Redis services forbid both and are configured right.
   */
  private boolean policyAcceptable(Optional<String> policy, HealthCheckResponseBuilder b) {
    if (policy.isEmpty()) {
      b.withData("state_redis_maxmemory_policy", "unknown");
      if (policyUnknownWarned.compareAndSet(false, true)) {
        LOG.warn(
            "cannot read the shared Redis's maxmemory-policy (CONFIG GET and INFO denied): make"
                + " sure it is noeviction, or leases (and early revocation) can be lost silently");
      }
      return true;
    }
    b.withData("state_redis_maxmemory_policy", policy.get());
    if (RedisLeaseStore.evicting(policy.get())) {
      if (evictingLogged.compareAndSet(false, true)) {
        LOG.errorf(
            "the shared Redis evicts keys (maxmemory-policy %s): not ready until it is noeviction,"
                + " since an evicted lease is a token that can no longer be revoked",
            policy.get());
      }
      return false;
    }
    evictingLogged.set(false);
    return true;
  }
}
