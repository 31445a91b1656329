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
 * What the OpenBao-backed test environments share: a simulator, the broker's AppRole and the
 * quarkus-vault settings. Subclasses keep their simulator in a static field tests can reach.
 */
abstract class OpenBaoTestEnv extends BrokerTestEnv {

  static OpenBaoSimulator startSimulator() {
    try {
      return OpenBaoSimulator.start(Clock.systemUTC());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The broker's AppRole, allowed exactly {@code paths}. */
  static String appRole(OpenBaoSimulator bao, List<String> paths) {
    return bao.createAppRole("agent-broker", paths, Duration.ofHours(1), Duration.ofHours(24));
  }

  /**
   * Points the broker at {@code bao} with key source {@code source}, instead of the key file the
   * base environment writes. Tests drive key refreshes themselves; the schedule must not race them.
   */
  static void useOpenBao(
      Map<String, String> c, OpenBaoSimulator bao, String source, String roleId) {
    c.remove("broker.key.file");
    c.put("broker.key.source", source);
    c.put("broker.key.refresh-interval", "1h");
    c.put("quarkus.vault.url", bao.baseUri().toString());
    c.put("quarkus.vault.authentication.app-role.role-id", roleId);
    c.put("quarkus.vault.renew-grace-period", "5m");
  }

  /** This environment's simulator, closed after the base environment stops. */
  abstract OpenBaoSimulator simulator();

  @Override
  public void stop() {
    super.stop();
    if (simulator() != null) {
      simulator().close();
    }
  }
}
