package dev.agentbroker.broker.custody;

import dev.agentbroker.broker.BrokerTestEnv;
import dev.agentbroker.testkit.TestKeys;
import dev.agentbroker.testkit.openbao.OpenBaoSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** {@link BrokerTestEnv} with the App key PEM in simulated OpenBao KV v2 (plain secret_id). */
public class KvTestEnv extends BrokerTestEnv {
  public static final String KV_PATH = "agent-broker/github-app";
  public static OpenBaoSimulator bao;
  public static String secretId;

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
            List.of("secret/data/" + KV_PATH),
            Duration.ofHours(1),
            Duration.ofHours(24));
    secretId = bao.secretId(roleId);
    bao.putKv("secret", KV_PATH, Map.of("private_key", TestKeys.pkcs1Pem(appKey.getPrivate())));
    c.remove("broker.key.file");
    c.put("broker.key.source", "vault-kv");
    c.put("broker.key.vault-kv-path", KV_PATH);
    c.put("broker.key.refresh-interval", "1h");
    c.put("quarkus.vault.url", bao.baseUri().toString());
    c.put("quarkus.vault.authentication.app-role.role-id", roleId);
    c.put("quarkus.vault.authentication.app-role.secret-id", secretId);
    c.put("quarkus.vault.renew-grace-period", "5m");
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
