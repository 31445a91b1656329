package dev.agentbroker.broker.custody;

import dev.agentbroker.broker.BrokerTestEnv;
import dev.agentbroker.testkit.openbao.OpenBaoSimulator;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@link BrokerTestEnv} with the App key imported into a simulated OpenBao Transit engine (BYOK, as
 * the runbook does it) and {@code broker.key.source=vault-transit}; the broker logs in by AppRole
 * with a response-wrapped secret_id. The key file the base environment writes is not configured.
 */
public class TransitTestEnv extends OpenBaoTestEnv {
  public static final String TRANSIT_KEY = "github-app";
  public static OpenBaoSimulator bao;
  public static String wrappingToken;

  @Override
  public Map<String, String> start() {
    Map<String, String> c = super.start();
    bao = startSimulator();
    String roleId =
        appRole(bao, List.of("transit/sign/" + TRANSIT_KEY, "transit/keys/" + TRANSIT_KEY));
    wrappingToken = bao.wrappedSecretId(roleId, Duration.ofMinutes(5));
    bao.importTransitKey(TRANSIT_KEY, appKey);
    useOpenBao(c, bao, "vault-transit", roleId);
    c.put("broker.key.transit-key", TRANSIT_KEY);
    c.put("quarkus.vault.authentication.app-role.secret-id-wrapping-token", wrappingToken);
    c.put("quarkus.vault.connect-timeout", "1s");
    c.put("quarkus.vault.read-timeout", "2s");
    return c;
  }

  @Override
  OpenBaoSimulator simulator() {
    return bao;
  }
}
