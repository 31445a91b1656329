package dev.agentbroker.egress;

import dev.agentbroker.egress.internal.CachingResolver;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

/**
 * Resolves an already validated, lower-case ASCII host name. The proxy asks it exactly once per
 * request and connects only to an address it returned and that passed the checks, so a DNS answer
 * that changes between "check" and "connect" cannot be exploited. Implementations may block in
 * {@link #resolve}: the proxy calls it off the event loop.
 */
@FunctionalInterface
public interface Resolver {

  /** All addresses for {@code host}, in preference order; never empty on success. */
  List<InetAddress> resolve(String host) throws UnknownHostException;

  /**
   * An answer available without blocking (e.g. from a cache), or null. Called on an event loop
   * before {@link #resolve}, so it must never block; a non-null answer is checked exactly like one
   * from {@link #resolve} and saves the hop to a worker thread and back.
   */
  default List<InetAddress> cached(String host) {
    return null;
  }

  /**
   * The operating system's resolver (and the JDK's positive/negative cache), with successful
   * answers reused for {@link #SYSTEM_CACHE_TTL}: well inside the JDK's own 30 s positive cache, so
   * it adds no meaningful staleness, but most tunnels then skip the worker-thread round trip.
   */
  static Resolver system() {
    return new CachingResolver(host -> List.of(InetAddress.getAllByName(host)), SYSTEM_CACHE_TTL);
  }

  /** How long {@link #system()} reuses an answer. */
  Duration SYSTEM_CACHE_TTL = Duration.ofSeconds(5);
}
