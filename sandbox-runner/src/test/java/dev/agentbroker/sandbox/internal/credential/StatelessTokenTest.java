package dev.agentbroker.sandbox.internal.credential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.sandbox.internal.broker.Lease;
import dev.agentbroker.testkit.MutableClock;
import dev.agentbroker.testkit.github.InstallationTokens;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * GitHub's 2026 stateless installation tokens ({@code ghs_<appId>_<JWT>}, ~520 characters, two
 * dots) pass the runner's credential path whole: the git credential answer, git's erase request
 * carrying the token back, the token cache, and a lease's printable form (which must hold no piece
 * of it).
 */
class StatelessTokenTest {
  final String token = InstallationTokens.statelessSample(424242, 51_000_001);
  final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T10:00:00Z"));

  Lease lease() {
    return new Lease(
        token,
        clock.instant().plus(Duration.ofHours(1)),
        Map.of("contents", "write"),
        List.of("svc-a"),
        "lease_" + "0".repeat(32));
  }

  @Test
  void gitCredentialAnswerCarriesTheWholeToken() {
    assertTrue(token.length() > 500 && token.indexOf('.') > 0, "the stateless shape");
    String answer = GitCredentialRequest.answer(token, 1_700_000_000L);
    assertEquals(
        token, GitCredentialRequest.parse(answer).get("password").orElseThrow(), "round trip");
  }

  @Test
  void gitsEraseWithTheTokenForgetsIt() {
    TokenCache cache = new TokenCache(this::lease, clock);
    assertEquals(token, cache.get().lease().token());
    GitCredentialRequest erase =
        GitCredentialRequest.parse(
            "protocol=https\nhost=github.com\nusername=x-access-token\npassword=" + token + "\n");
    assertTrue(cache.erase(erase.get("password").orElseThrow()));
  }

  @Test
  void aLeasePrintsNoPieceOfTheToken() {
    String shown = lease().toString();
    for (String part : token.split("[._]")) {
      if (part.length() >= 8) {
        assertFalse(shown.contains(part), shown);
      }
    }
  }
}
