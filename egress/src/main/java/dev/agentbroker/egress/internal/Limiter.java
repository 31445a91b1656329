package dev.agentbroker.egress.internal;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Concurrent connection caps per source address and in total. A slot is taken at accept, before any
 * byte is read, so slow or flooding clients are bounded too.
 */
public final class Limiter {
  private final int perClient;
  private final int total;
  private final AtomicInteger inUse = new AtomicInteger();
  private final ConcurrentHashMap<InetAddress, Integer> byClient = new ConcurrentHashMap<>();

  public Limiter(int perClient, int total) {
    this.perClient = perClient;
    this.total = total;
  }

  /** Null when a slot was taken, else the stable reason code. */
  public String tryAcquire(InetAddress client) {
    if (inUse.incrementAndGet() > total) {
      inUse.decrementAndGet();
      return "total_limit";
    }
    boolean[] ok = {false};
    byClient.compute(
        client,
        (k, v) -> {
          int n = v == null ? 0 : v;
          if (n >= perClient) {
            return v;
          }
          ok[0] = true;
          return n + 1;
        });
    if (!ok[0]) {
      inUse.decrementAndGet();
      return "client_limit";
    }
    return null;
  }

  public void release(InetAddress client) {
    byClient.computeIfPresent(client, (k, v) -> v <= 1 ? null : v - 1);
    inUse.decrementAndGet();
  }
}
