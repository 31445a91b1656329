package dev.agentbroker.broker.custody;

import dev.agentbroker.broker.BrokerTestEnv;
import dev.agentbroker.testkit.TestKeys;
import dev.agentbroker.testkit.openbao.OpenBaoSimulator;
import java.util.List;
import java.util.Map;

/** {@link BrokerTestEnv} with the App key PEM in simulated OpenBao KV v2 (plain secret_id). */
public class KvTestEnv extends OpenBaoTestEnv {
  public static final String KV_PATH = "agent-broker/github-app";
  public static OpenBaoSimulator bao;
  public static String secretId;

  @Override
  public Map<String, String> start() {
    Map<String, String> c = super.start();
    bao = startSimulator();
    String roleId = appRole(bao, List.of("secret/data/" + KV_PATH));
    secretId = bao.secretId(roleId);
    bao.putKv("secret", KV_PATH, Map.of("private_key", TestKeys.pkcs1Pem(appKey.getPrivate())));
    useOpenBao(c, bao, "vault-kv", roleId);
    c.put("broker.key.vault-kv-path", KV_PATH);
    c.put("quarkus.vault.authentication.app-role.secret-id", secretId);
    return c;
  }

  @Override
  OpenBaoSimulator simulator() {
    return bao;
  }
}
