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

  @Test
  void theGitHubActionsPresetFillsIssuerKeysAndAlgorithm() throws Exception {
    Map<String, String> p = valid();
    p.remove("broker.jwt.issuers.ci.issuer");
    p.remove("broker.jwt.issuers.ci.public-key-location");
    p.put("broker.jwt.issuers.ci.preset", "github-actions");
    BrokerConfig c = map(p);
    assertEquals(List.of(), ConfigProblems.of(c));
    List<String> none = new java.util.ArrayList<>();
    IssuerPresets.Resolved r = IssuerPresets.resolve("ci", c.jwt().issuers().get("ci"), none);
    assertEquals("https://token.actions.githubusercontent.com", r.issuer());
    assertEquals(
        "https://token.actions.githubusercontent.com/.well-known/jwks", r.publicKeyLocation());
    assertEquals(List.of("RS256"), r.algorithms());
    assertEquals(List.of("agent-broker"), r.audiences());
  }

  @Test
  void aPresetKeepsWhatIsSetForGitHubEnterpriseServer() throws Exception {
    Map<String, String> p = valid();
    p.put("broker.jwt.issuers.ci.preset", "github-actions");
    p.put("broker.jwt.issuers.ci.issuer", "https://ghes.example/_services/token");
    p.put(
        "broker.jwt.issuers.ci.public-key-location",
        "https://ghes.example/_services/token/.well-known/jwks");
    BrokerConfig c = map(p);
    IssuerPresets.Resolved r =
        IssuerPresets.resolve("ci", c.jwt().issuers().get("ci"), new java.util.ArrayList<>());
    assertEquals("https://ghes.example/_services/token", r.issuer());
    assertEquals(List.of("RS256"), r.algorithms());
  }

  @Test
  void presetProblemsAreNamed() throws Exception {
    Map<String, String> p = valid();
    p.put("broker.jwt.issuers.ci.preset", "gitlab");
    p.put("broker.jwt.issuers.actions.preset", "github-actions");
    p.put("broker.jwt.issuers.actions.audiences", "agent-broker");
    p.put("broker.jwt.issuers.actions.human", "true");
    p.put("broker.jwt.issuers.bare.audiences", "agent-broker");
    String all = String.join("\n", ConfigProblems.of(map(p)));
    for (String expected :
        List.of(
            "broker.jwt.issuers.ci.preset: 'gitlab' is not a known preset",
            "broker.jwt.issuers.actions: the github-actions preset is a machine issuer and cannot be human",
            "broker.jwt.issuers.bare.issuer must be set",
            "broker.jwt.issuers.bare.public-key-location must be set")) {
      assertTrue(all.contains(expected), "missing '" + expected + "' in:\n" + all);
    }
  }
}
