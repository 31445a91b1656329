package dev.agentbroker.egress.internal.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.agentbroker.egress.internal.inject.RunRegistry.Run;
import dev.agentbroker.egress.internal.inject.TokenSource.Lease;
import dev.agentbroker.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Token caching and revocation, on a mutable clock (the minter records what it was asked). */
class RunRegistryTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
  private final List<String> revoked = new CopyOnWriteArrayList<>();
  private final List<Grant> minted = new CopyOnWriteArrayList<>();
  private final ExecutorService workers = Executors.newSingleThreadExecutor();
  private final TokenSource tokens =
      new TokenSource() {
        @Override
        public Lease mint(Grant grant) {
          minted.add(grant);
          return new Lease(
              "tok-" + minted.size(),
              String.format("lease_%032x", minted.size()),
              clock.instant().plus(Duration.ofHours(1)));
        }

        @Override
        public boolean revoke(String leaseId) {
          revoked.add(leaseId);
          return true;
        }
      };
  private final RunRegistry runs = new RunRegistry(List.of("u1"), 10, tokens, workers, clock);
  private final Grant grant = new Grant("acme", List.of("svc-a"), Map.of("contents", "write"));

  @AfterEach
  void stop() {
    workers.shutdownNow();
  }

  private void settle() throws Exception {
    workers.submit(() -> {}).get(5, TimeUnit.SECONDS);
  }

  @Test
  void tokenIsReusedUntilTenMinutesBeforeExpiryThenReplacedAndTheOldRevoked() throws Exception {
    Run run = new Run("r1", "u1", grant, clock.instant().plus(Duration.ofHours(4)));
    assertEquals(201, runs.register(run).status());
    Lease first = runs.token(run).get(5, TimeUnit.SECONDS);
    clock.advance(Duration.ofMinutes(49));
    assertSame(first, runs.token(run).get(5, TimeUnit.SECONDS));
    clock.advance(Duration.ofMinutes(1));
    Lease second = runs.token(run).get(5, TimeUnit.SECONDS);
    assertEquals("tok-2", second.token());
    settle();
    assertEquals(List.of(first.leaseId()), revoked);
    assertEquals(List.of(grant, grant), minted);
  }

  @Test
  void expiryEndsTheRunAndRevokes() throws Exception {
    Run run = new Run("r1", "u1", grant, clock.instant().plus(Duration.ofMinutes(30)));
    runs.register(run);
    Lease l = runs.token(run).get(5, TimeUnit.SECONDS);
    clock.advance(Duration.ofMinutes(30));
    assertNull(runs.run("u1"));
    settle();
    assertEquals(List.of(l.leaseId()), revoked);
    assertEquals(0, runs.size());
  }

  @Test
  void registrationRules() {
    Instant later = clock.instant().plus(Duration.ofHours(1));
    assertEquals("not_inject_user", runs.register(new Run("r1", "u2", grant, later)).reason());
    assertEquals(
        "already_expired", runs.register(new Run("r1", "u1", grant, clock.instant())).reason());
    assertEquals(201, runs.register(new Run("r1", "u1", grant, later)).status());
    assertEquals(200, runs.register(new Run("r1", "u1", grant, later)).status(), "idempotent");
    assertEquals("user_busy", runs.register(new Run("r2", "u1", grant, later)).reason());
  }
}
