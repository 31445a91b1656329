package dev.agentbroker.egress.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Prometheus metrics of the proxy; counters are cached so the hot path does no registry lookup. */
public final class ProxyMetrics {
  private final MeterRegistry registry;
  private final Map<String, Map<String, Counter>> decisions = new ConcurrentHashMap<>();
  private final Map<String, Counter> auditFailures = new ConcurrentHashMap<>();
  private final Map<String, Counter> reloads = new ConcurrentHashMap<>();
  private final AtomicInteger activeTunnels = new AtomicInteger();
  private final AtomicInteger activeConnections = new AtomicInteger();
  private final AtomicInteger reloadFailing = new AtomicInteger();
  private final Counter bytesUp;
  private final Counter bytesDown;
  private final Timer setup;

  public ProxyMetrics(MeterRegistry registry) {
    this.registry = registry;
    registry.gauge("egress.tunnels.active", activeTunnels);
    registry.gauge("egress.connections.active", activeConnections);
    registry.gauge("egress.config.last.reload.failed", reloadFailing);
    bytesUp =
        Counter.builder("egress.bytes")
            .tag("direction", "upstream")
            .description("bytes relayed from clients to origins")
            .register(registry);
    bytesDown =
        Counter.builder("egress.bytes")
            .tag("direction", "downstream")
            .description("bytes relayed from origins to clients")
            .register(registry);
    setup =
        Timer.builder("egress.tunnel.setup")
            .description("request head complete until the 200 (or forwarded request) is written")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(10))
            .register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void decision(String outcome, String reason) {
    // Two-level lookup with a plain get first: no key concatenation or capturing lambda per call.
    Map<String, Counter> byReason = decisions.get(outcome);
    if (byReason == null) {
      byReason = decisions.computeIfAbsent(outcome, k -> new ConcurrentHashMap<>());
    }
    Counter c = byReason.get(reason);
    if (c == null) {
      c =
          byReason.computeIfAbsent(
              reason,
              k ->
                  Counter.builder("egress.decisions")
                      .tag("outcome", outcome)
                      .tag("reason", reason)
                      .register(registry));
    }
    c.increment();
  }

  public void auditFailure(String reason) {
    auditFailures
        .computeIfAbsent(
            reason,
            k -> Counter.builder("egress.audit.failures").tag("reason", reason).register(registry))
        .increment();
  }

  public void reload(String result, boolean failing) {
    reloads
        .computeIfAbsent(
            result,
            k -> Counter.builder("egress.config.reloads").tag("result", result).register(registry))
        .increment();
    reloadFailing.set(failing ? 1 : 0);
  }

  public void bytes(long up, long down) {
    if (up > 0) {
      bytesUp.increment(up);
    }
    if (down > 0) {
      bytesDown.increment(down);
    }
  }

  public void setupNanos(long nanos) {
    setup.record(nanos, TimeUnit.NANOSECONDS);
  }

  public AtomicInteger activeTunnels() {
    return activeTunnels;
  }

  public AtomicInteger activeConnections() {
    return activeConnections;
  }
}
