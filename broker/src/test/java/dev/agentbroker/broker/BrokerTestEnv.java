package dev.agentbroker.broker;

import dev.agentbroker.testkit.CallerTokens;
import dev.agentbroker.testkit.TestKeys;
import dev.agentbroker.testkit.github.GitHubSimulator;
import dev.agentbroker.testkit.github.SimulatorFixture;
import dev.agentbroker.testkit.hec.HecReceiver;
import dev.agentbroker.testkit.hec.HecReceiverSettings;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;

/**
 * A complete environment for the broker under test: a running GitHub simulator, a generated App key
 * (0600 on disk), three caller issuers with their own keys, a policy file and a journal directory.
 * Static so test classes can reach the simulator and sign caller tokens.
 */
public class BrokerTestEnv implements QuarkusTestResourceLifecycleManager {
  public static final String LAUNCHER_ISS = "https://launcher.test";
  public static final String CI_ISS = "https://token.actions.githubusercontent.com";
  public static final String HUMAN_ISS = "https://humans.test";
  public static final String AUDIENCE = "agent-broker";

  public static KeyPair appKey;
  public static KeyPair launcherKey;
  public static KeyPair ciKey;
  public static KeyPair humanKey;
  public static KeyPair strangerKey;
  public static GitHubSimulator sim;
  public static HecReceiver hec;
  public static final String HEC_TOKEN = "11111111-2222-3333-4444-555555555555";
  public static Path dir;
  public static Path logFile;

  static final String POLICY =
      """
      version: 1
      identities:
        - id: agent-launcher
          issuer: https://launcher.test
          subject: "agent-launcher"
          profile: autonomous
          grants:
            - owner: acme
              repositories: ["svc-*", "docs"]
              permissions: {contents: write, pull_requests: write, issues: read}
        - id: other-launcher
          issuer: https://launcher.test
          subject: "other-launcher"
          profile: autonomous
          grants:
            - owner: acme
              repositories: ["docs"]
              permissions: {contents: read}
        - id: ci-release
          issuer: https://token.actions.githubusercontent.com
          claims: {repository: "acme/release-tools", ref: "refs/heads/main"}
          profile: ci
          grants: [{owner: acme, repositories: ["*"], permissions: {contents: read}}]
      verbs:
        create-repo: {allowed_identities: [agent-launcher], rate: "3/hour", params: {owner: [acme], name: "[a-z][a-z0-9-]{2,62}", visibility: [private, internal]}}
        grant-team-access: {allowed_identities: [agent-launcher], rate: "10/hour", params: {owner: [acme], repo: ".*", team: [platform], permission: [pull, triage, push]}}
      """;

  @Override
  public Map<String, String> start() {
    try {
      dir = Files.createTempDirectory("broker-test");
      appKey = TestKeys.rsa2048();
      launcherKey = TestKeys.rsa2048();
      ciKey = TestKeys.ecP256();
      humanKey = TestKeys.rsa2048();
      strangerKey = TestKeys.rsa2048();
      Path app = write("app.pem", TestKeys.pkcs1Pem(appKey.getPrivate()));
      Files.setPosixFilePermissions(app, PosixFilePermissions.fromString("rw-------"));
      Path policy = write("policy.yaml", POLICY);
      logFile = dir.resolve("broker.log");
      sim = GitHubSimulator.start(SimulatorFixture.demo(appKey.getPublic()), Clock.systemUTC());
      hec = HecReceiver.start(HecReceiverSettings.of(HEC_TOKEN));
      Map<String, String> c = new HashMap<>();
      c.put("broker.audit.hec.enabled", "true");
      c.put("broker.audit.hec.url", hec.baseUri().toString());
      c.put("broker.audit.hec.token", HEC_TOKEN);
      c.put("broker.audit.hec.batch-max-delay", "50ms");
      c.put("broker.github.api-url", sim.baseUri().toString());
      c.put("broker.github.app-id", "424242");
      c.put("broker.github.max-attempts", "2");
      // Suites mint hundreds of tokens per identity per minute; rate-limit tests set their own.
      c.put("broker.ratelimit.token-requests", "1000000/hour");
      c.put("broker.github.backoff-base", "5ms");
      c.put("broker.github.backoff-max", "20ms");
      c.put("broker.key.file", app.toString());
      c.put("broker.policy.file", policy.toString());
      c.put("broker.audit.journal-dir", dir.resolve("journal").toString());
      issuer(c, "launcher", LAUNCHER_ISS, launcherKey, "RS256");
      issuer(c, "ci", CI_ISS, ciKey, "ES256");
      issuer(c, "humans", HUMAN_ISS, humanKey, "RS256");
      c.put("broker.jwt.issuers.humans.human", "true");
      c.put("quarkus.log.file.enabled", "true");
      c.put("quarkus.log.file.path", logFile.toString());
      c.put("quarkus.log.category.\"dev.agentbroker\".level", "DEBUG");
      return c;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void issuer(Map<String, String> c, String name, String iss, KeyPair k, String alg)
      throws IOException {
    Path pub = write(name + "-pub.pem", TestKeys.publicPem(k.getPublic()));
    String p = "broker.jwt.issuers." + name + ".";
    c.put(p + "issuer", iss);
    c.put(p + "public-key-location", pub.toString());
    c.put(p + "audiences", AUDIENCE);
    c.put(p + "algorithms", alg);
  }

  private static Path write(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, content);
    return p;
  }

  @Override
  public void stop() {
    if (sim != null) {
      sim.close();
    }
    if (hec != null) {
      hec.close();
    }
  }

  /** A valid launcher token for {@code subject}. */
  public static String launcher(String subject) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    return CallerTokens.rs256(LAUNCHER_ISS, launcherKey.getPrivate())
        .subject(subject)
        .audience(AUDIENCE)
        .issuedAt(now)
        .expiresAt(now.plusSeconds(300))
        .sign();
  }

  public static String bearer(String jwt) {
    return "Bearer " + jwt;
  }
}
