package dev.agentbroker.broker.internal;

import dev.agentbroker.audit.AuditEvent;
import dev.agentbroker.audit.AuditJournal;
import dev.agentbroker.audit.AuditUnavailableException;
import dev.agentbroker.audit.Outcomes;
import dev.agentbroker.policy.PolicyStore;
import dev.agentbroker.policy.ReloadResult;
import dev.agentbroker.tiera.LeaseStore;
import dev.agentbroker.tiera.LeaseStoreUnavailableException;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.Map;
import org.jboss.logging.Logger;

/** Periodic work: policy hot reload and dropping expired leases. */
@ApplicationScoped
public class Schedules {
  /** Audit action of a policy hot reload, successful or not. */
  public static final String ACTION_POLICY_RELOAD = "policy.reload";

  private static final Logger LOG = Logger.getLogger(Schedules.class);

  @Inject PolicyStore policy;
  @Inject AuditJournal journal;
  @Inject LeaseStore leases;

  @Inject Clock clock;
  @Inject BrokerMetrics metrics;

  /**
   * Reloads a changed policy file. Both outcomes are journaled ({@code policy.reload}), so an
   * emergency edit that did not take (a typo in a revocation) shows in Splunk, not only in a log.
   */
  @Scheduled(
      every = "${broker.policy.reload-interval:10s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void scheduledReload() {
    reloadPolicy();
  }

  /** One reload now (the schedule's step; tests call it instead of waiting). */
  public ReloadResult reloadPolicy() {
    ReloadResult r = policy.reloadIfChanged();
    String sha = policy.current().sourceSha256();
    if (r.status() == ReloadResult.Status.RELOADED) {
      LOG.infof("policy reloaded sha256=%s", sha.substring(0, 12));
      journal(Outcomes.ALLOWED, "policy_reloaded", "info", sha, 0);
    } else if (r.status() == ReloadResult.Status.FAILED) {
      LOG.errorf(
          "policy reload failed, last good policy kept (%d problems):%n%s",
          r.problems().size(),
          String.join("\n", r.problems().stream().map(Object::toString).toList()));
      metrics.policyReloadFailed();
      journal(Outcomes.ERROR, "policy_reload_failed", "high", sha, r.problems().size());
    }
    return r;
  }

  private void journal(String outcome, String reason, String severity, String sha, int problems) {
    try {
      journal.append(
          AuditEvent.builder(ACTION_POLICY_RELOAD, outcome)
              .time(clock.instant())
              .reason(reason)
              .severity(severity)
              .details(
                  Map.of(
                      "policy_file", policy.file().getFileName().toString(),
                      "policy_sha256_in_force", sha,
                      "problems", Integer.toString(problems)))
              .build());
    } catch (AuditUnavailableException e) {
      LOG.errorf("policy.reload (%s) not journaled: %s", reason, e.getMessage());
    }
  }

  @Scheduled(every = "60s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void purgeLeases() {
    try {
      leases.purgeExpired();
    } catch (LeaseStoreUnavailableException e) {
      // A shared store purges by TTL and never gets here; nothing to retry before the next run.
      LOG.warnf("purging expired leases failed: %s", e.getMessage());
    }
  }
}
