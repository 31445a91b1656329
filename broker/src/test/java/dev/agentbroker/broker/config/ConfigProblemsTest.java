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
            "broker.github.app-id (BROKER_GITHUB_APP_ID) or broker.github.client-id (BROKER_GITHUB_CLIENT_ID) must be set",
            "broker.github.api-url (BROKER_GITHUB_API_URL) must be an http(s) URL",
            "max-attempts",
            "broker.policy.file (BROKER_POLICY_FILE) is not readable",
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
            "broker.jwt.issuers.ci.preset (BROKER_JWT_ISSUERS_CI_PRESET): 'gitlab' is not a known"
                + " preset",
            "broker.jwt.issuers.actions.human (BROKER_JWT_ISSUERS_ACTIONS_HUMAN): the"
                + " github-actions preset is a machine issuer and cannot be human",
            "broker.jwt.issuers.bare.issuer (BROKER_JWT_ISSUERS_BARE_ISSUER) must be set",
            "broker.jwt.issuers.bare.public-key-location"
                + " (BROKER_JWT_ISSUERS_BARE_PUBLIC_KEY_LOCATION) must be set")) {
      assertTrue(all.contains(expected), "missing '" + expected + "' in:\n" + all);
    }
  }

  private static java.security.KeyPair rsa(int bits) throws Exception {
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
    g.initialize(bits);
    return g.generateKeyPair();
  }

  /** A one-key JWKS for {@code pub}, as an issuer publishes it. */
  static String jwks(java.security.PublicKey pub) throws Exception {
    org.jose4j.jwk.JsonWebKey k = org.jose4j.jwk.JsonWebKey.Factory.newJwk(pub);
    k.setKeyId("k1");
    return new org.jose4j.jwk.JsonWebKeySet(k).toJson();
  }

  @Test
  void callerJwtLimitsAreConfigurationErrors() throws Exception {
    Map<String, String> p = valid();
    p.put("broker.jwt.clock-skew-seconds", "121");
    p.put("broker.jwt.issuers.ci.max-token-lifetime", "25h");
    p.put("broker.jwt.issuers.plain.issuer", "https://plain.test");
    p.put("broker.jwt.issuers.plain.public-key-location", "http://plain.test/jwks");
    p.put("broker.jwt.issuers.plain.audiences", "agent-broker");
    p.put("broker.jwt.issuers.plain.max-token-lifetime", "0s");
    p.put("broker.jwt.issuers.ftp.issuer", "https://ftp.test");
    p.put("broker.jwt.issuers.ftp.public-key-location", "ftp://ftp.test/key.pem");
    p.put("broker.jwt.issuers.ftp.audiences", "agent-broker");
    Path weakPem =
        Files.writeString(
            dir.resolve("weak.pem"),
            dev.agentbroker.testkit.TestKeys.publicPem(rsa(1024).getPublic()));
    p.put("broker.jwt.issuers.weak.issuer", "https://weak.test");
    p.put("broker.jwt.issuers.weak.public-key-location", weakPem.toString());
    p.put("broker.jwt.issuers.weak.audiences", "agent-broker");
    Path weakJwks = Files.writeString(dir.resolve("weak.jwks"), jwks(rsa(2047).getPublic()));
    p.put("broker.jwt.issuers.weakset.issuer", "https://weakset.test");
    p.put("broker.jwt.issuers.weakset.public-key-location", weakJwks.toUri().toString());
    p.put("broker.jwt.issuers.weakset.audiences", "agent-broker");
    p.put("broker.jwt.issuers.gone.issuer", "https://gone.test");
    p.put("broker.jwt.issuers.gone.public-key-location", dir.resolve("gone.pem").toString());
    p.put("broker.jwt.issuers.gone.audiences", "agent-broker");
    String all = String.join("\n", ConfigProblems.of(map(p)));
    for (String expected :
        List.of(
            "broker.jwt.clock-skew-seconds (BROKER_JWT_CLOCK_SKEW_SECONDS) must be between 0 and"
                + " 120 (got 121)",
            "broker.jwt.issuers.ci.max-token-lifetime (BROKER_JWT_ISSUERS_CI_MAX_TOKEN_LIFETIME)"
                + " must be more than 0 and at most 24h",
            "broker.jwt.issuers.plain.max-token-lifetime",
            "broker.jwt.issuers.plain.public-key-location"
                + " (BROKER_JWT_ISSUERS_PLAIN_PUBLIC_KEY_LOCATION) must not be an http: URL",
            "broker.jwt.issuers.ftp.public-key-location (BROKER_JWT_ISSUERS_FTP_PUBLIC_KEY_LOCATION):"
                + " only https:, file:, classpath: or a file path",
            "broker.jwt.issuers.weak.public-key-location"
                + " (BROKER_JWT_ISSUERS_WEAK_PUBLIC_KEY_LOCATION): an RSA key of 1024 bits",
            "broker.jwt.issuers.weakset.public-key-location"
                + " (BROKER_JWT_ISSUERS_WEAKSET_PUBLIC_KEY_LOCATION): an RSA key of 2047 bits",
            "broker.jwt.issuers.gone.public-key-location"
                + " (BROKER_JWT_ISSUERS_GONE_PUBLIC_KEY_LOCATION) is not readable")) {
      assertTrue(all.contains(expected), "missing '" + expected + "' in:\n" + all);
    }
  }

  @Test
  void strongLocalKeysAndTheLimitsEdgesPass() throws Exception {
    Map<String, String> p = valid();
    p.put("broker.jwt.clock-skew-seconds", "120");
    p.put("broker.jwt.issuers.ci.max-token-lifetime", "24h");
    Path pem =
        Files.writeString(
            dir.resolve("ok.pem"),
            dev.agentbroker.testkit.TestKeys.publicPem(rsa(2048).getPublic()));
    p.put("broker.jwt.issuers.pem.issuer", "https://pem.test");
    p.put("broker.jwt.issuers.pem.public-key-location", pem.toString());
    p.put("broker.jwt.issuers.pem.audiences", "agent-broker");
    Path set =
        Files.writeString(
            dir.resolve("ok.jwks"), jwks(dev.agentbroker.testkit.TestKeys.ecP256().getPublic()));
    p.put("broker.jwt.issuers.set.issuer", "https://set.test");
    p.put("broker.jwt.issuers.set.public-key-location", "file:" + set);
    p.put("broker.jwt.issuers.set.audiences", "agent-broker");
    assertEquals(List.of(), ConfigProblems.of(map(p)));
  }
}
