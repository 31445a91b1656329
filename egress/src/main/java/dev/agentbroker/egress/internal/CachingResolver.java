package dev.agentbroker.egress.internal;

import dev.agentbroker.egress.Resolver;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Positive answers of a blocking resolver, reused for a short time so the event loop can answer
 * repeated names itself. Failures are not cached (the JDK keeps its own negative cache). Answers
 * are cached before any policy check, and every use is checked again by the caller, so a cached
 * forbidden answer is refused each time. Bounded: when full, the whole cache is dropped, which is
 * cheap and keeps many distinct names (e.g. under a wildcard pattern) from growing it.
 */
public final class CachingResolver implements Resolver {
  static final int MAX_ENTRIES = 4096;

  private record Entry(List<InetAddress> addresses, long expiresNanos) {}

  private final Resolver delegate;
  private final long ttlNanos;
  private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();

  public CachingResolver(Resolver delegate, Duration ttl) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.ttlNanos = ttl.toNanos();
  }

  @Override
  public List<InetAddress> resolve(String host) throws UnknownHostException {
    List<InetAddress> answer = List.copyOf(delegate.resolve(host));
    if (!answer.isEmpty() && ttlNanos > 0) {
      if (cache.size() >= MAX_ENTRIES) {
        cache.clear();
      }
      cache.put(host, new Entry(answer, System.nanoTime() + ttlNanos));
    }
    return answer;
  }

  @Override
  public List<InetAddress> cached(String host) {
    Entry e = cache.get(host);
    if (e == null) {
      return null;
    }
    if (System.nanoTime() - e.expiresNanos() >= 0) {
      cache.remove(host, e);
      return null;
    }
    return e.addresses();
  }

  int size() {
    return cache.size();
  }
}
