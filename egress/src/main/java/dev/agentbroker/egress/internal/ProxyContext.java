package dev.agentbroker.egress.internal;

import dev.agentbroker.egress.EgressConfig.Limits;
import dev.agentbroker.egress.Resolver;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import java.time.Clock;
import java.util.function.Supplier;

/** What every connection shares: runtime, current allowlist, limits and sinks. */
public record ProxyContext(
    Vertx vertx,
    NetClient netClient,
    Supplier<Allowlist> allowlist,
    Resolver resolver,
    Limits limits,
    DecisionSink decisions,
    ProxyMetrics metrics,
    Limiter limiter,
    Clock clock) {}
