package dev.agentbroker.broker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up validation lists every configuration problem at once, through real SmallRye mapping. */
class ConfigProblemsTest {
  @TempDir Path dir;

  private static BrokerConfig map(Map<String, String> props) {
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .withMapping(BrokerConfig.class)
            // Quarkus' duration syntax ("5s"), as the running broker reads it.
            .withConverter(Duration.class, 100, new DurationConverter())
            .withSources(new PropertiesConfigSource(props, "test", 100))
            .build();
    return config.getConfigMapping(BrokerConfig.class);
  }

  private Map<String, String> valid() throws Exception {
    Path policy = Files.writeString(dir.resolve("policy.yaml"), "version: 1\n");
    Map<String, String> p = new HashMap<>();
    p.put("broker.github.app-id", "424242");
    p.put("broker.key.source", "file");
    p.put("broker.key.file", dir.resolve("app.pem").toString());
    p.put("broker.policy.file", policy.toString());
    p.put("broker.jwt.issuers.ci.issuer", "https://token.actions.githubusercontent.com");
    p.put(
        "broker.jwt.issuers.ci.public-key-location",
        "https://token.actions.githubusercontent.com/.well-known/jwks");
    p.put("broker.jwt.issuers.ci.audiences", "agent-broker");
    return p;
  }

  @Test
  void aValidConfigurationHasNoProblems() throws Exception {
    assertEquals(List.of(), ConfigProblems.of(map(valid())));
  }

  @Test
  void everyProblemIsListedAtOnce() throws Exception {
    Map<String, String> p = valid();
    p.remove("broker.github.app-id");
    p.put("broker.github.api-url", "ftp://github.example");
    p.put("broker.github.max-attempts", "0");
    p.put("broker.policy.file", dir.resolve("missing.yaml").toString());
    p.put("broker.jwt.issuers.ci.algorithms", "HS256,none");
    p.put("broker.jwt.issuers.dup.issuer", "https://token.actions.githubusercontent.com");
    p.put("broker.jwt.issuers.dup.public-key-location", "x.pem");
    p.put("broker.jwt.issuers.dup.audiences", "agent-broker");
    p.put("broker.audit.max-pending", "0");
    List<String> problems = ConfigProblems.of(map(p));
    String all = String.join("\n", problems);
    for (String expected :
        List.of(
            "app-id or broker.github.client-id",
            "api-url must be an http(s) URL",
            "max-attempts",
            "broker.policy.file is not readable",
            "'HS256' is not allowed",
            "'none' is not allowed",
            "share one issuer",
            "max-pending")) {
      assertTrue(all.contains(expected), "missing problem '" + expected + "' in:\n" + all);
    }
    assertTrue(problems.size() >= 8, all);
  }
}
