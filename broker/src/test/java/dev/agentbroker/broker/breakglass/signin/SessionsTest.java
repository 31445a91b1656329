package dev.agentbroker.broker.breakglass.signin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.testkit.MutableClock;
import dev.agentbroker.tierb.breakglass.Human;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Session and sign-in lifetimes on a mutable clock. */
class SessionsTest {
  final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T09:00:00Z"));
  final Sessions sessions = new Sessions(clock, Duration.ofMinutes(15), Duration.ofHours(8), 2);
  final Human alice = new Human("https://sso.test", "alice", "alice@acme.example", true);

  @Test
  void anIdleSessionEndsAfterTheIdleTimeoutAndUseKeepsItAlive() {
    String cookie = sessions.create(alice).orElseThrow();
    clock.advance(Duration.ofMinutes(14));
    assertTrue(sessions.touch(cookie).isPresent(), "used within the idle timeout");
    clock.advance(Duration.ofMinutes(14));
    assertTrue(sessions.touch(cookie).isPresent(), "the idle clock restarted at the last use");
    clock.advance(Duration.ofMinutes(15));
    assertEquals(Optional.empty(), sessions.touch(cookie), "idle for 15 minutes: gone");
  }

  @Test
  void aSessionEndsAtItsMaximumLifetimeHoweverActive() {
    String cookie = sessions.create(alice).orElseThrow();
    for (int i = 0; i < 8 * 6 - 1; i++) {
      clock.advance(Duration.ofMinutes(10));
      assertTrue(sessions.touch(cookie).isPresent(), "at " + (i + 1) * 10 + " min");
    }
    clock.advance(Duration.ofMinutes(10));
    assertEquals(Optional.empty(), sessions.touch(cookie));
  }

  @Test
  void eachSessionHasItsOwnCookieAndCsrfTokenAndSignOutEndsIt() {
    String a = sessions.create(alice).orElseThrow();
    String b = sessions.create(alice).orElseThrow();
    assertNotEquals(a, b);
    String csrfA = sessions.touch(a).orElseThrow().csrfToken();
    assertNotEquals(csrfA, sessions.touch(b).orElseThrow().csrfToken());
    assertTrue(csrfA.length() >= 43, "256 random bits");
    sessions.end(a);
    assertEquals(Optional.empty(), sessions.touch(a));
    assertTrue(sessions.touch(b).isPresent());
    assertEquals(Optional.empty(), sessions.touch("not-a-session"));
    assertEquals(Optional.empty(), sessions.touch(""));
    assertEquals(Optional.empty(), sessions.touch(null));
  }

  @Test
  void aFullTableRefusesNewSessionsUntilOnesEnd() {
    sessions.create(alice).orElseThrow();
    sessions.create(alice).orElseThrow();
    assertEquals(Optional.empty(), sessions.create(alice), "full: refused, nobody is evicted");
    clock.advance(Duration.ofMinutes(16));
    assertTrue(sessions.create(alice).isPresent(), "expired ones are purged to make room");
  }

  @Test
  void aSignInInProgressIsTakenOnceAndWithinTenMinutes() {
    Sessions.PendingSignIn p = new Sessions.PendingSignIn("s", "n", "v", clock.instant());
    String handle = sessions.begin(p);
    assertEquals(Optional.of(p), sessions.finish(handle));
    assertEquals(Optional.empty(), sessions.finish(handle), "single use");
    String late = sessions.begin(new Sessions.PendingSignIn("s", "n", "v", clock.instant()));
    clock.advance(Sessions.SIGN_IN_LIFETIME);
    assertEquals(Optional.empty(), sessions.finish(late));
    assertEquals(Optional.empty(), sessions.finish(null));
  }

  @Test
  void strangersFillingSignInsOnlyPushOutTheOldest() {
    String first = sessions.begin(new Sessions.PendingSignIn("1", "n", "v", clock.instant()));
    String second = sessions.begin(new Sessions.PendingSignIn("2", "n", "v", clock.instant()));
    String third = sessions.begin(new Sessions.PendingSignIn("3", "n", "v", clock.instant()));
    assertEquals(Optional.empty(), sessions.finish(first));
    assertEquals("2", sessions.finish(second).orElseThrow().state());
    assertEquals("3", sessions.finish(third).orElseThrow().state());
  }
}
