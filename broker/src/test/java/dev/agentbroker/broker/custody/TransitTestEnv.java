package dev.agentbroker.broker.custody;

import dev.agentbroker.broker.BrokerTestEnv;
import dev.agentbroker.testkit.openbao.OpenBaoSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@link BrokerTestEnv} with the App key imported into a simulated OpenBao Transit engine (BYOK, as
 * the runbook does it) and {@code broker.key.source=vault-transit}; the broker logs in by AppRole
 * with a response-wrapped secret_id. The key file the base environment writes is not configured.
 */
public class TransitTestEnv extends BrokerTestEnv {
  public static final String TRANSIT_KEY = "github-app";
  public static OpenBaoSimulator bao;
  public static String wrappingToken;

  @Override
  public Map<String, String> start() {
    Map<String, String> c = super.start();
    try {
      bao = OpenBaoSimulator.start(Clock.systemUTC());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String roleId =
        bao.createAppRole(
            "agent-broker",
            List.of("transit/sign/" + TRANSIT_KEY, "transit/keys/" + TRANSIT_KEY),
            Duration.ofHours(1),
            Duration.ofHours(24));
    wrappingToken = bao.wrappedSecretId(roleId, Duration.ofMinutes(5));
    bao.importTransitKey(TRANSIT_KEY, appKey);
    c.remove("broker.key.file");
    c.put("broker.key.source", "vault-transit");
    c.put("broker.key.transit-key", TRANSIT_KEY);
    // Tests drive refreshes themselves; the schedule must not race them.
    c.put("broker.key.refresh-interval", "1h");
    c.put("quarkus.vault.url", bao.baseUri().toString());
    c.put("quarkus.vault.authentication.app-role.role-id", roleId);
    c.put("quarkus.vault.authentication.app-role.secret-id-wrapping-token", wrappingToken);
    c.put("quarkus.vault.renew-grace-period", "5m");
    c.put("quarkus.vault.connect-timeout", "1s");
    c.put("quarkus.vault.read-timeout", "2s");
    return c;
  }

  @Override
  public void stop() {
    super.stop();
    if (bao != null) {
      bao.close();
    }
  }
}
