package dev.agentbroker.sandbox.internal.net;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Without a credential endpoint ({@code --inject}) the run's link admits only the proxy. */
class NftRulesInjectTest {
  @Test
  void noCredentialPortNoAcceptRuleForTheLinkAddress() {
    String with = NftRules.forRun("agent_s1", "ags1h", "10.200.0.1", 3128, "127.0.0.1", 3128, 4711);
    String without = NftRules.forRun("agent_s1", "ags1h", "10.200.0.1", 3128, "127.0.0.1", 3128, 0);
    assertTrue(with.contains("iifname \"ags1h\" ip daddr 10.200.0.1 tcp dport 4711 accept"), with);
    assertFalse(
        without.lines().anyMatch(l -> l.contains("daddr 10.200.0.1") && l.endsWith("accept")),
        without);
    assertTrue(
        without.contains("ip daddr 127.0.0.1 tcp dport 3128 ct status dnat accept"), without);
    assertTrue(without.contains("meta l4proto tcp reject with tcp reset"), without);
  }
}
