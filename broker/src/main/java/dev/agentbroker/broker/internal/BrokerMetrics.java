package dev.agentbroker.broker.internal;

import dev.agentbroker.audit.FileJournal;
import dev.agentbroker.broker.state.RedisLeaseStore;
import dev.agentbroker.policy.PolicyStore;
import dev.agentbroker.tiera.LeaseStore;
import dev.agentbroker.tiera.github.GitHubAppClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Broker metrics. Tags carry only stable codes and reasons (a small closed set), never caller
 * input, so cardinality stays bounded and nothing secret can reach a metric.
 */
@ApplicationScoped
public class BrokerMetrics {
  @Inject MeterRegistry registry;
  @Inject PolicyStore policy;
  @Inject FileJournal journal;
  @Inject GitHubAppClient github;
  @Inject LeaseStore leases;

  private Timer mintLatency;
  private Counter policyReloadFailures;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  void onStart(@Observes StartupEvent e) {
    mintLatency =
        Timer.builder("broker.token.mint.latency")
            .description("Time to answer POST /token, all outcomes")
            .publishPercentileHistogram()
            .register(registry);
    Gauge.builder("broker.github.ratelimit.remaining", github, g -> g.rateLimit().remaining())
        .description("x-ratelimit-remaining from GitHub's last answer (-1 before any)")
        .register(registry);
    // A counter (…_total), incremented by the reload schedule: alerts use increase(). Not a
    // function counter: a scrape must never call into the runtime bean, which a function counter
    // would do without the error handling gauges have.
    policyReloadFailures =
        Counter.builder("broker.policy.reload.failures")
            .description("Policy reloads that failed (last good policy kept)")
            .register(registry);
    Gauge.builder(
            "broker.policy.last.reload.success.timestamp.seconds",
            policy,
            p -> p.lastLoadedAt().getEpochSecond())
        .description("When the policy in force was loaded (start-up or last successful reload)")
        .register(registry);
    Gauge.builder("broker.policy.last.reload.failed", policy, p -> p.lastReloadFailed() ? 1 : 0)
        .description("1 while the newest policy file is broken and the last good one is in force")
        .register(registry);
    if (leases.size() >= 0) {
      // Counted in memory only: a shared store would have to scan Redis on every scrape.
      Gauge.builder("broker.leases.active", leases, LeaseStore::size)
          .description("Issued tokens still revocable")
          .register(registry);
    }
    if (leases instanceof RedisLeaseStore shared) {
      // Reads the store's own counter, never Redis: a scrape cannot fail or block on it.
      FunctionCounter.builder("broker.state.failures", shared, RedisLeaseStore::failures)
          .description("Shared state store calls that failed (each answered 503 state_unavailable)")
          .tag("store", "leases")
          .register(registry);
    }
    Gauge.builder("broker.audit.journal.pending", journal, j -> j.stats().pending())
        .description("Audit events waiting for fsync")
        .register(registry);
    Gauge.builder("broker.audit.journal.healthy", journal, j -> j.stats().healthy() ? 1 : 0)
        .description("1 when the audit journal accepts appends")
        .register(registry);
  }

  /** A policy reload failed; the last good policy stays in force. */
  public void policyReloadFailed() {
    if (policyReloadFailures != null) {
      policyReloadFailures.increment();
    }
  }

  /** One mint answer: {@code result} is {@code issued} or a problem code. */
  public void mint(String result, String reason, long nanos) {
    counters
        .computeIfAbsent(
            "mint|" + result + "|" + reason,
            k ->
                Counter.builder("broker.token.mints")
                    .description("POST /token answers by result and reason")
                    .tag("result", result)
                    .tag("reason", reason)
                    .register(registry))
        .increment();
    mintLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void revoke(String result) {
    counters
        .computeIfAbsent(
            "revoke|" + result,
            k ->
                Counter.builder("broker.token.revocations")
                    .description("DELETE /token/{lease_id} answers by result")
                    .tag("result", result)
                    .register(registry))
        .increment();
  }
}
