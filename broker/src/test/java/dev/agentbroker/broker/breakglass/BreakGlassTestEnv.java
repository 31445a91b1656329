package dev.agentbroker.broker.breakglass;

import dev.agentbroker.broker.BrokerTestEnv;
import dev.agentbroker.testkit.CallerTokens;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * {@link BrokerTestEnv} plus a grant store in the test's temporary directory, so break-glass tests
 * never write {@code data/breakglass.json} into the source tree. Both break-glass test classes use
 * exactly this resource, so they share one broker start.
 */
public class BreakGlassTestEnv extends BrokerTestEnv {
  @Override
  public Map<String, String> start() {
    Map<String, String> c = super.start();
    c.put("broker.breakglass.store-file", dir.resolve("breakglass.json").toString());
    return c;
  }

  /** A valid token from the human-only issuer for {@code subject}. */
  public static String human(String subject) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    return CallerTokens.rs256(HUMAN_ISS, humanKey.getPrivate())
        .subject(subject)
        .audience(AUDIENCE)
        .issuedAt(now)
        .expiresAt(now.plusSeconds(600))
        .sign();
  }
}
