package dev.agentbroker.broker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.broker.breakglass.BreakGlassConfig;
import dev.agentbroker.broker.config.BrokerConfig;
import dev.agentbroker.broker.config.JournalIntegritySettings;
import dev.agentbroker.broker.config.StartupRefused;
import dev.agentbroker.broker.ratelimit.RateLimitConfig;
import dev.agentbroker.broker.shipping.HecSettings;
import dev.agentbroker.broker.state.StateConfig;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up check lists the problems of every section in one message, each with its property and
 * environment variable, through real SmallRye mapping of every section.
 */
class ConfigCheckTest {
  @TempDir Path dir;

  private ConfigCheck check(Map<String, String> props) {
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .withMapping(BrokerConfig.class)
            .withMapping(JournalIntegritySettings.class)
            .withMapping(RateLimitConfig.class)
            .withMapping(HecSettings.class)
            .withMapping(BreakGlassConfig.class)
            .withMapping(StateConfig.class)
            .withConverter(Duration.class, 100, new DurationConverter())
            .withConverter(UUID.class, 100, UUID::fromString)
            .withSources(new PropertiesConfigSource(props, "test", 100))
            .build();
    ConfigCheck c = new ConfigCheck();
    c.broker = config.getConfigMapping(BrokerConfig.class);
    c.integrity = config.getConfigMapping(JournalIntegritySettings.class);
    c.rateLimits = config.getConfigMapping(RateLimitConfig.class);
    c.hec = config.getConfigMapping(HecSettings.class);
    c.breakGlass = config.getConfigMapping(BreakGlassConfig.class);
    c.state = config.getConfigMapping(StateConfig.class);
    return c;
  }

  private List<String> problems(ConfigCheck c) {
    return ConfigCheck.problems(c.broker, c.integrity, c.rateLimits, c.hec, c.breakGlass, c.state);
  }

  private Map<String, String> valid() throws Exception {
    Path policy = Files.writeString(dir.resolve("policy.yaml"), "version: 1\n");
    Map<String, String> p = new HashMap<>();
    p.put("broker.github.app-id", "424242");
    p.put("broker.key.source", "file");
    p.put("broker.key.file", dir.resolve("app.pem").toString());
    p.put("broker.policy.file", policy.toString());
    p.put("broker.jwt.issuers.ci.preset", "github-actions");
    p.put("broker.jwt.issuers.ci.audiences", "agent-broker");
    return p;
  }

  @Test
  void aValidConfigurationPasses() throws Exception {
    ConfigCheck c = check(valid());
    assertEquals(List.of(), problems(c));
    c.check();
  }

  @Test
  void problemsOfEverySectionAreListedInOneMessage() throws Exception {
    Map<String, String> p = valid();
    p.put("broker.github.max-attempts", "0");
    p.put("broker.audit.integrity.checkpoint-every", "0");
    p.put("broker.ratelimit.token-requests", "lots");
    p.put("broker.audit.hec.enabled", "true");
    p.put("broker.audit.hec.url", "https://splunk.test:8088");
    p.put("broker.breakglass.sign-in", "sso");
    p.put("broker.breakglass.max-duration", "2h");
    p.put("broker.state.store", "etcd");
    ConfigCheck c = check(p);
    StartupRefused e = assertThrows(StartupRefused.class, c::check);
    String m = e.getMessage();
    for (String expected :
        List.of(
            "broker.github.max-attempts (BROKER_GITHUB_MAX_ATTEMPTS) must be between 1 and 10",
            "broker.audit.integrity.checkpoint-every (BROKER_AUDIT_INTEGRITY_CHECKPOINT_EVERY)",
            "broker.ratelimit.token-requests (BROKER_RATELIMIT_TOKEN_REQUESTS) must be"
                + " N/second|minute|hour|day",
            "broker.audit.hec.token (BROKER_AUDIT_HEC_TOKEN) must be set when",
            "broker.breakglass.sign-in (BROKER_BREAKGLASS_SIGN_IN) must be none, oidc or"
                + " pasted-token",
            "broker.breakglass.max-duration (BROKER_BREAKGLASS_MAX_DURATION) must be more than 0"
                + " and at most 1h",
            "broker.state.store (BROKER_STATE_STORE) must be memory or redis")) {
      assertTrue(m.contains("\n  - " + expected), "missing '" + expected + "' in:\n" + m);
    }
    assertEquals(7, m.split("\n  - ").length - 1, m);
    assertTrue(m.startsWith("broker configuration invalid, broker not started:"), m);
    // Quarkus prints a ConfigurationException root cause as its message alone: no stack trace.
    assertInstanceOf(ConfigurationException.class, e);
    assertNull(e.getCause());
  }

  @Test
  void everyProblemNamesItsEnvironmentVariable() throws Exception {
    Map<String, String> p = valid();
    p.remove("broker.github.app-id");
    p.put("broker.key.source", "vault-kv");
    p.put("broker.leases.capacity", "0");
    p.put("broker.ratelimit.store", "redis");
    p.put("broker.ratelimit.redis-timeout", "0s");
    p.put("broker.audit.hec.enabled", "true");
    p.put("broker.breakglass.history-limit", "0");
    p.put("broker.breakglass.approval-window", "0s");
    p.put("broker.breakglass.sign-in", "oidc");
    p.put("broker.jwt.issuers.bad.preset", "gitlab");
    p.put("broker.jwt.issuers.bad.audiences", "agent-broker");
    p.put("broker.audit.integrity.verify-budget", "0s");
    p.put("broker.state.store", "redis"); // without broker.state.seal-key-file
    p.put("broker.state.redis-key-prefix", " ");
    List<String> problems = problems(check(p));
    assertTrue(problems.size() >= 16, String.join("\n", problems));
    for (String problem : problems) {
      assertTrue(
          problem.matches("^.*[a-z0-9.-]+ \\([A-Z0-9_]+\\).*$"),
          "no property (ENV_VAR) in: " + problem);
    }
  }

  @Test
  void sharedStateNeedsTheSharedRateLimitsAndASealKey() throws Exception {
    Map<String, String> p = valid();
    p.put("broker.state.store", "redis");
    List<String> problems = problems(check(p));
    assertEquals(2, problems.size(), String.join("\n", problems));
    assertTrue(
        problems.get(0).startsWith("broker.state.store (BROKER_STATE_STORE)=redis needs"),
        problems.get(0));
    assertTrue(
        problems.get(1).startsWith("broker.state.seal-key-file (BROKER_STATE_SEAL_KEY_FILE)"),
        problems.get(1));
    Path key = dir.resolve("seal.key");
    Files.writeString(key, java.util.Base64.getEncoder().encodeToString(new byte[32]));
    Files.setPosixFilePermissions(
        key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    p.put("broker.state.seal-key-file", key.toString());
    p.put("broker.ratelimit.store", "redis");
    p.put("broker.ratelimit.redis-url", "redis://127.0.0.1:6379");
    assertEquals(List.of(), problems(check(p)));
  }

  @Test
  void theCheckRunsFirstAndGuardsEveryProducer() {
    int first = ConfigCheck.class.getAnnotation(io.quarkus.runtime.Startup.class).value();
    assertTrue(first < jakarta.enterprise.inject.spi.ObserverMethod.DEFAULT_PRIORITY, "" + first);
    List<java.lang.reflect.Method> producers =
        java.util.Arrays.stream(BrokerBeans.class.getDeclaredMethods())
            .filter(m -> m.isAnnotationPresent(jakarta.enterprise.inject.Produces.class))
            .toList();
    java.util.Set<Class<?>> produced = new java.util.HashSet<>();
    producers.forEach(m -> produced.add(m.getReturnType()));
    assertTrue(producers.size() >= 8, producers.toString());
    // Each producer takes the check itself or a part another (guarded) producer makes: its body
    // runs only once all its parameters exist, so after the check.
    for (java.lang.reflect.Method m : producers) {
      List<Class<?>> params = List.of(m.getParameterTypes());
      assertTrue(
          params.contains(ConfigCheck.class) || params.stream().anyMatch(produced::contains),
          m.getName() + " could run before the configuration check: " + params);
    }
  }
}
