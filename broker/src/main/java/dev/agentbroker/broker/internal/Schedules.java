package dev.agentbroker.broker.internal;

import dev.agentbroker.policy.ReloadResult;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/** Periodic work: policy hot reload and dropping expired leases. */
@ApplicationScoped
public class Schedules {
  private static final Logger LOG = Logger.getLogger(Schedules.class);

  @Inject BrokerRuntime runtime;

  @Scheduled(
      every = "${broker.policy.reload-interval:10s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void reloadPolicy() {
    ReloadResult r = runtime.policy().reloadIfChanged();
    if (r.status() == ReloadResult.Status.RELOADED) {
      LOG.infof(
          "policy reloaded sha256=%s", runtime.policy().current().sourceSha256().substring(0, 12));
    } else if (r.status() == ReloadResult.Status.FAILED) {
      LOG.errorf(
          "policy reload failed, last good policy kept (%d problems):%n%s",
          r.problems().size(),
          String.join("\n", r.problems().stream().map(Object::toString).toList()));
    }
  }

  @Scheduled(every = "60s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void purgeLeases() {
    runtime.leases().purgeExpired();
  }
}
