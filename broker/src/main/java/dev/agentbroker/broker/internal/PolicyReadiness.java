package dev.agentbroker.broker.internal;

import dev.agentbroker.policy.PolicyStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Policy state for {@code /q/health/ready}. A failed reload keeps this check UP, with {@code
 * policy_reload=failed}: the last good policy is still enforced, so answers stay correct, and
 * taking every replica out of the load balancer because one edit was broken would stop all minting
 * — including the revocation that edit may have been meant to make. The failure is made loud
 * instead: this data, {@code broker_policy_reload_failures_total}, the {@code policy.reload} audit
 * event and the Splunk alert "agent-broker - policy reload failed".
 */
@Readiness
@ApplicationScoped
public class PolicyReadiness implements HealthCheck {
  @Inject PolicyStore policy;

  @Override
  public HealthCheckResponse call() {
    var p = policy;
    return HealthCheckResponse.named("policy")
        .up()
        .withData("policy_reload", p.lastReloadFailed() ? "failed" : "ok")
        .withData("policy_sha256", p.current().sourceSha256())
        .withData("policy_loaded_at", p.lastLoadedAt().toString())
        .withData("policy_reload_failures", p.reloadFailures())
        .build();
  }
}
