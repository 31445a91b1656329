package dev.agentbroker.egress.internal;

import dev.agentbroker.egress.EgressConfig.Limits;
import dev.agentbroker.egress.Resolver;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoop;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * What every connection shares: the upstream connector template, current allowlist, limits, sinks
 * and the per-event-loop sweepers.
 *
 * @param upstream a configured {@link Bootstrap} without group or handler; cloned per connection
 * @param resolveExecutor where blocking DNS lookups run (never an event loop)
 */
public record ProxyContext(
    Bootstrap upstream,
    Supplier<Allowlist> allowlist,
    Resolver resolver,
    Executor resolveExecutor,
    Limits limits,
    DecisionSink decisions,
    ProxyMetrics metrics,
    Limiter limiter,
    Clock clock,
    Map<EventLoop, Sweeper> sweepers) {}
