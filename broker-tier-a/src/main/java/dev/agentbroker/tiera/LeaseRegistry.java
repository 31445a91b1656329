package dev.agentbroker.tiera;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Issued tokens kept in memory, only until they expire, so they can be revoked early. Bounded: a
 * full registry refuses new leases rather than forgetting revocable tokens.
 */
public final class LeaseRegistry {
  private final Map<String, Lease> leases = new ConcurrentHashMap<>();
  private final Clock clock;
  private final int capacity;
  private final SecureRandom random = new SecureRandom();

  public LeaseRegistry(Clock clock, int capacity) {
    this.clock = clock;
    this.capacity = capacity;
  }

  /** A fresh lease id: random, unrelated to the token, safe to log. */
  public String newLeaseId() {
    byte[] b = new byte[16];
    random.nextBytes(b);
    return "lease_" + HexFormat.of().formatHex(b);
  }

  public boolean hasRoom() {
    return leases.size() < capacity;
  }

  public void put(Lease lease) {
    leases.put(lease.leaseId(), lease);
  }

  /** The live lease with this id, if any (an expired one is dropped and not returned). */
  public Optional<Lease> get(String leaseId) {
    Lease l = leases.get(leaseId);
    if (l == null) {
      return Optional.empty();
    }
    if (!clock.instant().isBefore(l.expiresAt())) {
      leases.remove(leaseId, l);
      return Optional.empty();
    }
    return Optional.of(l);
  }

  public void remove(Lease lease) {
    leases.remove(lease.leaseId(), lease);
  }

  /** Drops expired leases; returns how many. */
  public int purgeExpired() {
    Instant now = clock.instant();
    int before = leases.size();
    leases.values().removeIf(l -> !now.isBefore(l.expiresAt()));
    return before - leases.size();
  }

  public int size() {
    return leases.size();
  }
}
