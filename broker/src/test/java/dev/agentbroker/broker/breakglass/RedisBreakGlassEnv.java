package dev.agentbroker.broker.breakglass;

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
 * {@link BreakGlassTestEnv} with {@code broker.state.store=redis}: grants and the page's sessions
 * in the shared test Redis under a fresh prefix, sealed with a key written here. The broker reaches
 * Redis through a {@link ToggleProxy} so a test can take it away.
 */
public class RedisBreakGlassEnv extends BreakGlassTestEnv {
  static String prefix;
  static byte[] sealKey;
  static ToggleProxy proxy;

  @Override
  public Map<String, String> start() {
    Map<String, String> c = new HashMap<>(super.start());
    prefix = "test:" + UUID.randomUUID() + ":";
    sealKey = new byte[32];
    new SecureRandom().nextBytes(sealKey);
    Path keyFile = dir.resolve("seal.key");
    try {
      Files.writeString(keyFile, Base64.getEncoder().encodeToString(sealKey));
      Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    c.put("broker.ratelimit.store", "redis");
    proxy = new ToggleProxy(TestRedis.shared().url());
    c.put("broker.ratelimit.redis-url", proxy.url());
    c.put("broker.ratelimit.redis-key-prefix", prefix);
    c.put("broker.state.store", "redis");
    c.put("broker.state.redis-key-prefix", prefix);
    c.put("broker.state.seal-key-file", keyFile.toString());
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
