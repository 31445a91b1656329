package dev.agentbroker.broker.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.policy.PolicyException;
import dev.agentbroker.policy.PolicyStore;
import dev.agentbroker.policy.ReloadResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A policy identity on the human-only issuer is refused at start-up and on reload. */
class IssuerSeparationTest {
  @TempDir Path dir;

  static String policy(String issuer, String subject) {
    return "version: 1\n"
        + "identities:\n"
        + "  - {id: agent, issuer: \""
        + issuer
        + "\", subject: "
        + subject
        + ", profile: autonomous,\n"
        + "     grants: [{owner: acme, repositories: [docs], permissions: {contents: read}}]}\n";
  }

  @Test
  void anIdentityOnTheHumanIssuerIsRefusedAtStartAndOnReload() throws Exception {
    Map<String, String> p = CallerAuthenticatorTest.base();
    CallerAuthenticatorTest.issuer(p, "agents", "https://agents.test", "a.pem");
    CallerAuthenticatorTest.issuer(p, "humans", "https://humans.test", "h.pem");
    p.put("broker.jwt.issuers.humans.human", "true");
    var check = IssuerSeparation.check(CallerAuthenticatorTest.jwt(p));
    Path file = dir.resolve("policy.yaml");

    Files.writeString(file, policy("https://humans.test", "alice"));
    PolicyException e =
        assertThrows(PolicyException.class, () -> PolicyStore.open(file, Clock.systemUTC(), check));
    assertTrue(
        e.getMessage()
            .contains(
                "identities.agent.issuer: 'https://humans.test' is the human-only issuer"
                    + " (broker.jwt.issuers.humans.human=true)"),
        e.getMessage());

    Files.writeString(file, policy("https://agents.test", "agent-launcher"));
    PolicyStore store = PolicyStore.open(file, Clock.systemUTC(), check);
    var good = store.current();
    Files.writeString(file, policy("https://humans.test", "agent-launcher"));
    ReloadResult r = store.reloadIfChanged();
    assertEquals(ReloadResult.Status.FAILED, r.status());
    assertTrue(store.lastReloadFailed());
    assertEquals(good, store.current(), "the last good policy stays in force");
  }
}
