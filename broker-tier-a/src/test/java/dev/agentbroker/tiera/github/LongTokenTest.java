package dev.agentbroker.tiera.github;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.policy.Scope;
import dev.agentbroker.testkit.MutableClock;
import dev.agentbroker.testkit.TestKeys;
import dev.agentbroker.testkit.github.GitHubSimulator;
import dev.agentbroker.testkit.github.SimulatorFixture;
import dev.agentbroker.tiera.keys.FileAppJwtSigner;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** GitHub's 2026 stateless tokens are ~520 characters: nothing may assume 40. */
class LongTokenTest {
  @Test
  void handlesStatelessFormatTokens() throws Exception {
    KeyPair k = TestKeys.rsa2048();
    SimulatorFixture demo = SimulatorFixture.demo(k.getPublic());
    SimulatorFixture fx =
        new SimulatorFixture(
            demo.appId(), demo.clientId(), demo.appKeys(), demo.installations(), true);
    MutableClock clock = new MutableClock(Instant.now());
    try (GitHubSimulator sim = GitHubSimulator.start(fx, clock)) {
      GitHubAppClient c =
          GitHubAppClient.create(
              GitHubSettings.defaults(sim.baseUri(), demo.clientId()),
              FileAppJwtSigner.ofKey((RSAPrivateCrtKey) k.getPrivate()),
              clock);
      InstallationToken t =
          c.mint(
              c.installationId("acme"),
              new Scope("acme", List.of("docs"), List.of(), Map.of("contents", "read")));
      assertTrue(t.token().length() >= 500, "length " + t.token().length());
      c.revoke(t.token());
      assertTrue(!sim.isTokenActive(t.token()));
    }
  }
}
