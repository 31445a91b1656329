package dev.agentbroker.broker.internal;

import dev.agentbroker.audit.FileJournal;
import dev.agentbroker.policy.PolicyStore;
import dev.agentbroker.tiera.LeaseRegistry;
import dev.agentbroker.tiera.keys.AppJwtSigner;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only when the journal accepts appends; policy state is reported alongside. */
@Readiness
@ApplicationScoped
public class ReadinessChecks implements HealthCheck {
  @Inject FileJournal journal;
  @Inject PolicyStore policy;
  @Inject AppJwtSigner signer;
  @Inject LeaseRegistry leases;

  @Override
  public HealthCheckResponse call() {
    var stats = journal.stats();
    var p = policy;
    return HealthCheckResponse.named("broker")
        .status(stats.healthy())
        .withData("journal_healthy", stats.healthy())
        .withData("journal_pending", stats.pending())
        .withData("policy_sha256", p.current().sourceSha256())
        .withData("policy_last_reload_failed", p.lastReloadFailed())
        .withData("key_source", signer.describe())
        .withData("leases_active", leases.size())
        .build();
  }
}
