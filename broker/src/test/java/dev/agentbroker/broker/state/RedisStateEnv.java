package dev.agentbroker.broker.state;

import dev.agentbroker.broker.BrokerTestEnv;
import dev.agentbroker.broker.ratelimit.TestRedis;
import dev.agentbroker.broker.ratelimit.ToggleProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The shared broker test environment with {@code broker.state.store=redis}: leases (and rate
 * limits, which shared state requires) in the test Redis behind a {@link ToggleProxy}, so a test
 * can take Redis away. Rate limits fall back to local budgets then, so a mint reaches the lease
 * store and its outage is what the test sees.
 */
public class RedisStateEnv extends BrokerTestEnv {
  static ToggleProxy proxy;
  static String prefix;
  static byte[] sealKey;

  @Override
  public Map<String, String> start() {
    Map<String, String> c = new HashMap<>(super.start());
    proxy = new ToggleProxy(TestRedis.shared().url());
    prefix = "test:" + UUID.randomUUID() + ":";
    sealKey = new byte[32];
    new SecureRandom().nextBytes(sealKey);
    try {
      Path key = BrokerTestEnv.dir.resolve("seal.key");
      Files.writeString(key, Base64.getEncoder().encodeToString(sealKey) + "\n");
      Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
      c.put("broker.state.seal-key-file", key.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    c.put("broker.state.store", "redis");
    c.put("broker.state.redis-key-prefix", prefix);
    c.put("broker.ratelimit.store", "redis");
    c.put("broker.ratelimit.redis-url", proxy.url());
    c.put("broker.ratelimit.redis-key-prefix", prefix + "rl:");
    c.put("broker.ratelimit.redis-timeout", "500ms");
    c.put("broker.ratelimit.tier-a-on-store-failure", "allow-local");
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
