package dev.agentbroker.broker.ratelimit;

import dev.agentbroker.broker.BrokerTestEnv;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The shared broker test environment with rate limits in Redis (through a {@link ToggleProxy} so a
 * test can take Redis away), a 3/hour {@code POST /token} budget and Tier A failing closed.
 */
public class RedisRateLimitEnv extends BrokerTestEnv {
  static ToggleProxy proxy;
  static String prefix;

  @Override
  public Map<String, String> start() {
    Map<String, String> c = new HashMap<>(super.start());
    proxy = new ToggleProxy(TestRedis.shared().url());
    prefix = "test:" + UUID.randomUUID() + ":";
    c.put("broker.ratelimit.store", "redis");
    c.put("broker.ratelimit.redis-url", proxy.url());
    c.put("broker.ratelimit.redis-key-prefix", prefix);
    c.put("broker.ratelimit.token-requests", "3/hour");
    c.put("broker.ratelimit.tier-a-on-store-failure", "fail-closed");
    return c;
  }

  @Override
  public void stop() {
    super.stop();
    if (proxy != null) {
      proxy.close();
    }
  }
}
