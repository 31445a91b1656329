package dev.agentbroker.broker.shipping;

import io.smallrye.health.api.HealthGroup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * {@code /q/health/group/audit-shipping}: DOWN while HEC refuses the data or token. Kept out of
 * readiness on purpose: the journal keeps events safe, so a Splunk outage must not stop minting.
 */
@HealthGroup("audit-shipping")
@ApplicationScoped
public class ShippingHealth implements HealthCheck {
  @Inject AuditShipping shipping;

  @Override
  public HealthCheckResponse call() {
    var stats = shipping.stats();
    if (stats.isEmpty()) {
      return HealthCheckResponse.named("audit-shipping").up().withData("enabled", false).build();
    }
    var s = stats.get();
    return HealthCheckResponse.named("audit-shipping")
        .status(!s.permanentFailure())
        .withData("enabled", true)
        .withData("backlog_events", s.backlogEvents())
        .withData("oldest_unshipped_seconds", s.oldestUnshippedAge().toSeconds())
        .withData("shipped", s.shipped())
        .withData("last_error", s.lastError() == null ? "" : s.lastError())
        .build();
  }
}
