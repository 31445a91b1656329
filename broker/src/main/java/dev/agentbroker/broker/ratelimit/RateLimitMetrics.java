package dev.agentbroker.broker.ratelimit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Rate-limit meters. Tags are a closed set (scope: token, global, verb, content-creation; result:
 * allowed, limited, unavailable, local_allowed, local_limited); keys and identities never become
 * tags, so cardinality stays bounded.
 */
final class RateLimitMetrics {
  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Counter storeFailures;
  private final Counter localFallbacks;

  RateLimitMetrics(MeterRegistry registry, String store, BooleanSupplier storeHealthy) {
    this.registry = registry;
    this.storeFailures =
        Counter.builder("broker.ratelimit.store.failures")
            .description("Rate-limit store calls that failed or timed out")
            .tag("store", store)
            .register(registry);
    this.localFallbacks =
        Counter.builder("broker.ratelimit.local.fallbacks")
            .description("Tier A decisions made by the per-replica limiter (allow-local)")
            .register(registry);
    Gauge.builder("broker.ratelimit.store.healthy", storeHealthy, s -> s.getAsBoolean() ? 1 : 0)
        .description("1 while the last rate-limit store call succeeded")
        .tag("store", store)
        .register(registry);
  }

  void decision(String scope, String result) {
    counters
        .computeIfAbsent(
            scope + "|" + result,
            k ->
                Counter.builder("broker.ratelimit.decisions")
                    .description("Rate-limit decisions by scope and result")
                    .tag("scope", scope)
                    .tag("result", result)
                    .register(registry))
        .increment();
  }

  void storeFailure() {
    storeFailures.increment();
  }

  void localFallback() {
    localFallbacks.increment();
  }
}
