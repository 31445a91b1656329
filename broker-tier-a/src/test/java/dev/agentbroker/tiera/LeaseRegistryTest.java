package dev.agentbroker.tiera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.audit.TokenHashes;
import dev.agentbroker.testkit.MutableClock;
import dev.agentbroker.testkit.github.InstallationTokens;
import dev.agentbroker.tiera.internal.LeaseContexts;
import dev.agentbroker.tiera.internal.StoredLease;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LeaseRegistryTest {
  private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
  private final MutableClock clock = new MutableClock(T0);
  private final LeaseRegistry registry = new LeaseRegistry(clock, 3);

  private Lease lease(String subject, String token, Instant expires) {
    // Fresh String instances, as each request's parsed JSON and JWT claims produce them.
    return new Lease(
        registry.newLeaseId(),
        "agents-" + "ci",
        new String("https://issuer.example"),
        new String(subject),
        new String("acme"),
        List.of(new String("svc-a"), "id:700002"),
        TokenHashes.sha256Hex(token),
        expires,
        token);
  }

  @Test
  void keepsEveryFieldExactly() {
    Instant expires = T0.plusSeconds(3600).plusNanos(123_456_789);
    for (String token :
        List.of(
            InstallationTokens.classic(),
            InstallationTokens.statelessSample(424242, 51_000_001L),
            "ghs_ünïcode-kept-as-text")) {
      Lease in = lease("run-1", token, expires);
      registry.put(in);
      Lease out = registry.get(in.leaseId()).orElseThrow();
      assertEquals(in, out);
      assertEquals(token, out.token());
      assertEquals(expires, out.expiresAt());
    }
  }

  @Test
  void leasesWithTheSameCallerAndTargetShareOneContext() {
    LeaseRegistry big = new LeaseRegistry(clock, 100);
    Lease a = lease("run-1", InstallationTokens.classic(), T0.plusSeconds(60));
    Lease b = lease("run-1", InstallationTokens.classic(), T0.plusSeconds(60));
    Lease other = lease("run-2", InstallationTokens.classic(), T0.plusSeconds(60));
    assertNotSame(a.issuer(), b.issuer());
    big.put(a);
    big.put(b);
    big.put(other);
    assertEquals(2, big.distinctContexts());
    assertEquals(
        1, big.distinctTargets(), "other subject, same identity/issuer/owner/repositories");
    Lease ra = big.get(a.leaseId()).orElseThrow();
    Lease rb = big.get(b.leaseId()).orElseThrow();
    assertSame(ra.issuer(), rb.issuer());
    assertSame(ra.subject(), rb.subject());
    assertSame(ra.repositories(), rb.repositories());
    Lease ro = big.get(other.leaseId()).orElseThrow();
    assertEquals("run-2", ro.subject());
    assertSame(ra.issuer(), ro.issuer());
    assertSame(ra.repositories(), ro.repositories());

    big.remove(a);
    assertEquals(2, big.distinctContexts(), "b still holds the shared context");
    big.remove(b);
    big.remove(other);
    assertEquals(0, big.distinctContexts(), "contexts go with their last lease");
    assertEquals(0, big.distinctTargets());
    assertEquals(0, big.size());
  }

  @Test
  void anExpiredLeaseIsDroppedOnReadAndByPurge() {
    Lease short1 = lease("s", InstallationTokens.classic(), T0.plusSeconds(60));
    Lease short2 = lease("s", InstallationTokens.classic(), T0.plusSeconds(60).plusNanos(1));
    Lease longer = lease("l", InstallationTokens.classic(), T0.plusSeconds(3600));
    registry.put(short1);
    registry.put(short2);
    registry.put(longer);
    clock.advance(Duration.ofSeconds(59));
    assertTrue(registry.get(short1.leaseId()).isPresent());

    clock.advance(Duration.ofSeconds(1)); // exactly short1's expiry: expired; short2 1 ns later
    assertEquals(Optional.empty(), registry.get(short1.leaseId()));
    assertEquals(2, registry.size());
    assertTrue(registry.get(short2.leaseId()).isPresent());

    clock.advance(Duration.ofNanos(1));
    assertEquals(1, registry.purgeExpired());
    assertEquals(1, registry.size());
    assertEquals(1, registry.distinctContexts());
    assertTrue(registry.get(longer.leaseId()).isPresent());
  }

  @Test
  void aFullRegistryHasNoRoomUntilLeasesGo() {
    Lease first = lease("s", InstallationTokens.classic(), T0.plusSeconds(60));
    registry.put(first);
    registry.put(lease("s", InstallationTokens.classic(), T0.plusSeconds(3600)));
    assertTrue(registry.hasRoom());
    registry.put(lease("s", InstallationTokens.classic(), T0.plusSeconds(3600)));
    assertFalse(registry.hasRoom());

    registry.remove(first);
    assertTrue(registry.hasRoom());
    registry.put(lease("s", InstallationTokens.classic(), T0.plusSeconds(60)));
    assertFalse(registry.hasRoom());
    clock.advance(Duration.ofSeconds(60));
    registry.purgeExpired();
    assertTrue(registry.hasRoom());
  }

  @Test
  void theByteBudgetRefusesLongTokensBeforeTheCount() {
    LeaseRegistry budgeted = new LeaseRegistry(clock, 1000, 2_000);
    String stateless = InstallationTokens.statelessSample(424242, 51_000_001L);
    Lease first = lease("s", stateless, T0.plusSeconds(60));
    budgeted.put(first);
    long one = budgeted.bytes();
    assertTrue(one >= 48 + 16 + stateless.length(), "counts the object and the token: " + one);
    budgeted.put(lease("s", stateless, T0.plusSeconds(60)));
    budgeted.put(lease("s", stateless, T0.plusSeconds(60)));
    assertTrue(budgeted.hasRoom(), budgeted.bytes() + " bytes");
    budgeted.put(lease("s", stateless, T0.plusSeconds(60)));
    assertFalse(budgeted.hasRoom(), budgeted.bytes() + " bytes, 4 leases");

    budgeted.remove(first);
    assertTrue(budgeted.hasRoom());
    assertEquals(3 * one, budgeted.bytes());
    clock.advance(Duration.ofSeconds(60));
    budgeted.purgeExpired();
    assertEquals(0, budgeted.bytes());
  }

  @Test
  void removeNeedsTheSameToken() {
    Lease held = lease("s", InstallationTokens.classic(), T0.plusSeconds(60));
    registry.put(held);
    String other = InstallationTokens.classic();
    registry.remove(
        new Lease(
            held.leaseId(),
            held.identityId(),
            held.issuer(),
            held.subject(),
            held.owner(),
            held.repositories(),
            TokenHashes.sha256Hex(other),
            held.expiresAt(),
            other));
    assertTrue(registry.get(held.leaseId()).isPresent());
    registry.remove(held);
    assertFalse(registry.get(held.leaseId()).isPresent());
  }

  @Test
  void idsAreRandomLowercaseHexAndOtherSpellingsAreNotLeases() {
    String id = registry.newLeaseId();
    assertTrue(id.matches("lease_[0-9a-f]{32}"), id);
    assertFalse(id.equals(registry.newLeaseId()));
    Lease held =
        new Lease(
            id,
            "i",
            "iss",
            "sub",
            "acme",
            List.of("svc-a"),
            TokenHashes.sha256Hex("ghs_x"),
            T0.plusSeconds(60),
            "ghs_x");
    registry.put(held);
    assertTrue(registry.get(id).isPresent());
    for (String probe :
        new String[] {
          id.toUpperCase(),
          "lease_" + id.substring(6).toUpperCase(),
          id + "0",
          id.substring(0, id.length() - 1),
          "lease_" + "g".repeat(32),
          "",
          null
        }) {
      assertEquals(Optional.empty(), registry.get(probe), String.valueOf(probe));
    }
  }

  @Test
  void putRefusesAForeignIdOrAWrongHash() {
    Lease good = lease("s", "ghs_abc", T0.plusSeconds(60));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            registry.put(
                new Lease(
                    "lease_1",
                    good.identityId(),
                    good.issuer(),
                    good.subject(),
                    good.owner(),
                    good.repositories(),
                    good.tokenSha256(),
                    good.expiresAt(),
                    good.token())));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            registry.put(
                new Lease(
                    good.leaseId(),
                    good.identityId(),
                    good.issuer(),
                    good.subject(),
                    good.owner(),
                    good.repositories(),
                    TokenHashes.sha256Hex("ghs_other"),
                    good.expiresAt(),
                    good.token())));
    assertEquals(0, registry.size());
    assertEquals(0, registry.distinctContexts());
  }

  @Test
  void noTokenInStringForms() {
    String token = InstallationTokens.classic();
    Lease held = lease("s", token, T0.plusSeconds(60));
    registry.put(held);
    Lease read = registry.get(held.leaseId()).orElseThrow();
    assertFalse(read.toString().contains(token), read.toString());
    assertFalse(read.toString().contains(token.substring(4)), read.toString());
    assertTrue(read.toString().contains(held.leaseId()));
    assertFalse(registry.toString().contains(token));
    StoredLease stored =
        new StoredLease(
            1,
            2,
            T0,
            new LeaseContexts().acquire("i", "iss", "sub", "acme", List.of("svc-a")),
            token);
    assertEquals(token, stored.token());
    assertFalse(stored.toString().contains(token.substring(4)), stored.toString());
  }
}
