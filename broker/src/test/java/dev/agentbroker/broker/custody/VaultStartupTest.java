package dev.agentbroker.broker.custody;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.testkit.MutableClock;
import dev.agentbroker.testkit.openbao.OpenBaoSimulator;
import io.quarkus.vault.runtime.VaultConfigHolder;
import io.quarkus.vault.runtime.config.VaultRuntimeConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The start-up path of {@link VaultAccess} (what the {@code BrokerBeans} signer producer runs
 * through {@link KeyCustody#open()}), without booting Quarkus: the quarkus-vault configuration is
 * built from properties exactly as the extension maps them.
 */
class VaultStartupTest {
  private final MutableClock clock = new MutableClock(Instant.now());
  private OpenBaoSimulator bao;
  private String roleId;

  @BeforeEach
  void start() throws Exception {
    bao = OpenBaoSimulator.start(clock);
    roleId =
        bao.createAppRole(
            "agent-broker", List.of("transit/*"), Duration.ofHours(1), Duration.ofHours(4));
  }

  @AfterEach
  void stop() {
    bao.close();
  }

  static VaultConfigHolder holder(Map<String, String> props) {
    SmallRyeConfig cfg =
        new SmallRyeConfigBuilder()
            .withMapping(VaultRuntimeConfig.class)
            .withSources(new PropertiesConfigSource(props, "test", 500))
            .build();
    return new VaultConfigHolder()
        .setVaultRuntimeConfig(cfg.getConfigMapping(VaultRuntimeConfig.class));
  }

  private Map<String, String> props(String url) {
    Map<String, String> p = new HashMap<>();
    p.put("quarkus.vault.url", url);
    p.put("quarkus.vault.authentication.app-role.role-id", roleId);
    p.put("quarkus.vault.renew-grace-period", "5m");
    p.put("quarkus.vault.connect-timeout", "1s");
    p.put("quarkus.vault.read-timeout", "2s");
    return p;
  }

  @Test
  void wrappedSecretIdIsUnwrappedOnceAndAReusedOneRefusesStartUp() {
    String wrapped = bao.wrappedSecretId(roleId, Duration.ofMinutes(5));
    Map<String, String> p = props(bao.baseUri().toString());
    p.put("quarkus.vault.authentication.app-role.secret-id-wrapping-token", wrapped);
    VaultAccess.open(holder(p), clock);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> VaultAccess.open(holder(p), clock));
    assertTrue(e.getMessage().contains("already unwrapped or has expired"), e.getMessage());
    assertFalse(e.getMessage().contains(wrapped));
    assertEquals(
        2, bao.requests().stream().filter(r -> r.path().equals("/v1/sys/wrapping/unwrap")).count());
  }

  @Test
  void expiredWrappingTokenRefusesStartUp() {
    String wrapped = bao.wrappedSecretId(roleId, Duration.ofMinutes(5));
    clock.advance(Duration.ofMinutes(6));
    Map<String, String> p = props(bao.baseUri().toString());
    p.put("quarkus.vault.authentication.app-role.secret-id-wrapping-token", wrapped);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> VaultAccess.open(holder(p), clock));
    assertTrue(e.getMessage().contains("already unwrapped or has expired"), e.getMessage());
  }

  @Test
  void openBaoDownAtStartUpGivesOneClearSentence() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Map<String, String> p = props("http://127.0.0.1:" + port);
    String secretId = bao.secretId(roleId);
    p.put("quarkus.vault.authentication.app-role.secret-id", secretId);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> VaultAccess.open(holder(p), Clock.systemUTC()));
    assertEquals(
        "OpenBao login failed: OpenBao unreachable at http://127.0.0.1:"
            + port
            + " (ConnectException)",
        e.getMessage());
    assertFalse(e.getMessage().contains(secretId));
  }

  @Test
  void wrongSecretIdIsRefusedWithOpenBaosReason() {
    Map<String, String> p = props(bao.baseUri().toString());
    p.put("quarkus.vault.authentication.app-role.secret-id", "not-the-secret-id-0000000000");
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> VaultAccess.open(holder(p), clock));
    assertTrue(e.getMessage().contains("400"), e.getMessage());
    assertTrue(e.getMessage().contains("invalid secret id"), e.getMessage());
    assertFalse(e.getMessage().contains("not-the-secret-id"));
  }

  @Test
  void tokenIsReLoggedInAfterRevocationAndRenewedBeforeExpiry() throws Exception {
    bao.importTransitKey("k", dev.agentbroker.testkit.TestKeys.rsa2048());
    Map<String, String> p = props(bao.baseUri().toString());
    p.put("quarkus.vault.authentication.app-role.secret-id", bao.secretId(roleId));
    VaultAccess access = VaultAccess.open(holder(p), clock);
    VaultTransitSigner signer = new VaultTransitSigner(access, "k");
    assertEquals(1, signer.latestVersion());
    clock.advance(Duration.ofMinutes(57));
    assertEquals(1, signer.latestVersion());
    assertTrue(
        bao.requests().stream().anyMatch(r -> r.path().equals("/v1/auth/token/renew-self")),
        "renewed inside the grace period");
    bao.revokeAllTokens();
    assertEquals(1, signer.latestVersion());
    assertEquals(
        2,
        bao.requests().stream().filter(r -> r.path().equals("/v1/auth/approle/login")).count(),
        "re-login after a 403 with the cached token");
    assertEquals(
        256, signer.sign("a.b".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).length);
  }
}
