package dev.agentbroker.broker.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.broker.ratelimit.RateLimitSettings;
import dev.agentbroker.policy.Rate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateSettingsTest {
  @TempDir Path dir;

  record Config(String store, String redisKeyPrefix, Optional<Path> sealKeyFile)
      implements StateConfig {}

  static RateLimitSettings limits(RateLimitSettings.Store store) {
    return new RateLimitSettings(
        store,
        Optional.of("redis://127.0.0.1:6379"),
        Duration.ofMillis(250),
        "agent-broker:rl:",
        new Rate(120, java.time.temporal.ChronoUnit.MINUTES),
        new Rate(4000, java.time.temporal.ChronoUnit.HOURS),
        RateLimitSettings.StoreFailure.FAIL_CLOSED);
  }

  Path key(String content, String mode) throws Exception {
    Path p = dir.resolve("key-" + mode + "-" + content.length());
    Files.writeString(p, content);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    return p;
  }

  List<String> problems(Config c, RateLimitSettings.Store limiter) {
    List<String> out = new ArrayList<>();
    StateSettings.of(c, limits(limiter), out);
    return out;
  }

  @Test
  void memoryNeedsNothing() {
    List<String> p =
        problems(
            new Config("memory", "agent-broker:", Optional.empty()),
            RateLimitSettings.Store.MEMORY);
    assertEquals(List.of(), p);
  }

  @Test
  void redisWithAPrivateKeyOfThirtyTwoBytesIsTaken() throws Exception {
    String b64 = Base64.getEncoder().encodeToString(new byte[32]);
    List<String> out = new ArrayList<>();
    StateSettings s =
        StateSettings.of(
            new Config("redis", "x:", Optional.of(key(b64 + "\n", "rw-------"))),
            limits(RateLimitSettings.Store.REDIS),
            out);
    assertEquals(List.of(), out);
    assertEquals(StateSettings.Store.REDIS, s.store());
    assertEquals(32, s.sealKey().orElseThrow().length);
    assertTrue(!s.toString().contains(b64));
  }

  record Case(String name, Config config, RateLimitSettings.Store limiter, String expected) {}

  @Test
  void eachMistakeIsNamedWithItsPropertyAndEnvironmentVariable() throws Exception {
    String good = Base64.getEncoder().encodeToString(new byte[32]);
    List<Case> cases =
        List.of(
            new Case(
                "unknown store",
                new Config("etcd", "p:", Optional.empty()),
                RateLimitSettings.Store.REDIS,
                "broker.state.store (BROKER_STATE_STORE) must be memory or redis"),
            new Case(
                "blank prefix",
                new Config("memory", " ", Optional.empty()),
                RateLimitSettings.Store.MEMORY,
                "broker.state.redis-key-prefix (BROKER_STATE_REDIS_KEY_PREFIX) must be non-empty"),
            new Case(
                "memory rate limits",
                new Config("redis", "p:", Optional.of(key(good, "rw-------"))),
                RateLimitSettings.Store.MEMORY,
                "needs broker.ratelimit.store (BROKER_RATELIMIT_STORE)=redis"),
            new Case(
                "no key file",
                new Config("redis", "p:", Optional.empty()),
                RateLimitSettings.Store.REDIS,
                "broker.state.seal-key-file (BROKER_STATE_SEAL_KEY_FILE) is required"),
            new Case(
                "key readable by others",
                new Config("redis", "p:", Optional.of(key(good, "rw-r--r--"))),
                RateLimitSettings.Store.REDIS,
                "must be readable by its owner only"),
            new Case(
                "short key",
                new Config(
                    "redis",
                    "p:",
                    Optional.of(
                        key(Base64.getEncoder().encodeToString(new byte[16]), "rw-------"))),
                RateLimitSettings.Store.REDIS,
                "exactly 32 bytes"),
            new Case(
                "not base64",
                new Config("redis", "p:", Optional.of(key("not base64 at all!", "rw-------"))),
                RateLimitSettings.Store.REDIS,
                "exactly 32 bytes"),
            new Case(
                "missing file",
                new Config("redis", "p:", Optional.of(dir.resolve("absent"))),
                RateLimitSettings.Store.REDIS,
                "cannot be read"));
    for (Case c : cases) {
      List<String> p = problems(c.config(), c.limiter());
      assertEquals(1, p.size(), c.name() + ": " + p);
      assertTrue(p.get(0).contains(c.expected()), c.name() + ": " + p);
      assertTrue(!p.get(0).contains("not base64 at all"), "never the file's content");
    }
  }
}
