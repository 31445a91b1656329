package dev.agentbroker.egress.internal;

import dev.agentbroker.egress.EgressConfig.Limits;
import dev.agentbroker.egress.Resolver;
import dev.agentbroker.egress.internal.inject.Injector;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoop;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * What every connection shares: the upstream connector template, current allowlist, limits, sinks
 * and the per-event-loop sweepers.
 *
 * @param upstream4 a configured {@link Bootstrap} for IPv4 origins, without group or handler;
 *     cloned per connection
 * @param upstream6 the same for IPv6 origins
 * @param resolveExecutor where blocking DNS lookups run (never an event loop)
 * @param injector the {@code inject: github} mode, or null when off
 */
public record ProxyContext(
    Bootstrap upstream4,
    Bootstrap upstream6,
    Supplier<Allowlist> allowlist,
    Resolver resolver,
    Executor resolveExecutor,
    Limits limits,
    DecisionSink decisions,
    ProxyMetrics metrics,
    Limiter limiter,
    Clock clock,
    Map<EventLoop, Sweeper> sweepers,
    Injector injector) {

  /**
   * The connector for {@code target}'s family: a socket of the target's own family needs no
   * dual-stack setup ({@code IPV6_V6ONLY}) and connects to a plain IPv4 address, not a mapped one.
   */
  public Bootstrap upstream(InetAddress target) {
    return target instanceof Inet4Address ? upstream4 : upstream6;
  }
}
