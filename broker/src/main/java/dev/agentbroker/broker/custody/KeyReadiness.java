package dev.agentbroker.broker.custody;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Not ready while the App key source is unavailable (cached state, no call to OpenBao). */
@Readiness
@ApplicationScoped
public class KeyReadiness implements HealthCheck {
  @Inject KeyCustody custody;

  @Override
  public HealthCheckResponse call() {
    var b =
        HealthCheckResponse.named("app-key")
            .status(custody.available())
            .withData("source", custody.signer() == null ? "none" : custody.signer().describe());
    if (custody.problem() != null) {
      b.withData("problem", custody.problem());
    }
    return b.build();
  }
}
