package dev.agentbroker.tiera;

import dev.agentbroker.audit.TokenHashes;
import dev.agentbroker.tiera.internal.LeaseContext;
import dev.agentbroker.tiera.internal.LeaseContexts;
import dev.agentbroker.tiera.internal.LeaseIds;
import dev.agentbroker.tiera.internal.LeaseTable;
import dev.agentbroker.tiera.internal.StoredLease;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issued tokens kept in memory, only until they expire, so they can be revoked early. Bounded: a
 * full registry refuses new leases rather than forgetting revocable tokens.
 *
 * <p>Compact because it may hold up to a million leases: each is kept as a {@link StoredLease} (ids
 * as two longs, expiry as numbers, the token as ASCII bytes, the token's SHA-256 recomputed when
 * read) in striped open-addressing tables, and the identity, issuer, subject, owner and
 * repositories are one interned {@link LeaseContext} shared by every lease with the same values.
 * About 114 bytes per lease with a classic 40-character token (docs/performance.md, "Lease
 * memory"). {@link #get} builds a {@link Lease} from that on demand.
 *
 * <p>The default {@link LeaseStore}: one replica only, and never unavailable (its methods declare
 * no {@link LeaseStoreUnavailableException}).
 */
public final class LeaseRegistry implements LeaseStore {
  private static final int STRIPES = 16; // a power of two: chosen by the top bits of the id hash

  private final LeaseTable[] tables = new LeaseTable[STRIPES];
  private final LeaseContexts contexts = new LeaseContexts();
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicLong bytes = new AtomicLong();
  private final Clock clock;
  private final int capacity;
  private final long byteBudget;
  private final SecureRandom random = new SecureRandom();

  /** At most {@code capacity} leases, whatever memory their tokens take. */
  public LeaseRegistry(Clock clock, int capacity) {
    this(clock, capacity, Long.MAX_VALUE);
  }

  /**
   * At most {@code capacity} leases and at most {@code byteBudget} bytes of heap for them (each
   * counted at {@link StoredLease#footprint}): with GitHub's ~520-character tokens a lease costs
   * five times a classic one, and a full registry must refuse mints before the heap runs out,
   * because a broker that dies of it loses every lease and so the revocation of every token.
   */
  public LeaseRegistry(Clock clock, int capacity, long byteBudget) {
    this.clock = clock;
    this.capacity = capacity;
    this.byteBudget = byteBudget;
    for (int i = 0; i < STRIPES; i++) {
      tables[i] = new LeaseTable();
    }
  }

  @Override
  public String newLeaseId() {
    return LeaseIds.format(random.nextLong(), random.nextLong());
  }

  /** Room for one more lease: under the capacity and under the byte budget. */
  @Override
  public boolean hasRoom() {
    return size.get() < capacity && bytes.get() < byteBudget;
  }

  /**
   * Registers {@code lease}. Its id must come from {@link #newLeaseId} and its {@code tokenSha256}
   * must be its token's (the hash is recomputed on read rather than stored).
   */
  @Override
  public void put(Lease lease) {
    if (!LeaseIds.valid(lease.leaseId())) {
      throw new IllegalArgumentException("not a lease id from newLeaseId()");
    }
    if (!TokenHashes.sha256Hex(lease.token()).equals(lease.tokenSha256())) {
      throw new IllegalArgumentException("tokenSha256 is not the SHA-256 of the lease's token");
    }
    LeaseContext context =
        contexts.acquire(
            lease.identityId(),
            lease.issuer(),
            lease.subject(),
            lease.owner(),
            lease.repositories());
    long high = LeaseIds.high(lease.leaseId());
    long low = LeaseIds.low(lease.leaseId());
    StoredLease stored = new StoredLease(high, low, lease.expiresAt(), context, lease.token());
    StoredLease replaced = table(high, low).put(stored);
    bytes.addAndGet(stored.footprint());
    if (replaced == null) {
      size.incrementAndGet();
    } else {
      bytes.addAndGet(-replaced.footprint());
      contexts.release(replaced.context());
    }
  }

  /** The live lease with this id, if any (an expired one is dropped and not returned). */
  @Override
  public Optional<Lease> get(String leaseId) {
    if (!LeaseIds.valid(leaseId)) {
      return Optional.empty(); // caller input: a malformed id is simply not a lease
    }
    long high = LeaseIds.high(leaseId);
    long low = LeaseIds.low(leaseId);
    LeaseTable table = table(high, low);
    StoredLease stored = table.get(high, low);
    if (stored == null) {
      return Optional.empty();
    }
    if (stored.expiredAt(clock.instant())) {
      if (table.remove(high, low, l -> l == stored) != null) {
        forget(stored);
      }
      return Optional.empty();
    }
    LeaseContext c = stored.context();
    String token = stored.token();
    return Optional.of(
        new Lease(
            leaseId,
            c.identityId(),
            c.issuer(),
            c.subject(),
            c.owner(),
            c.repositories(),
            TokenHashes.sha256Hex(token),
            stored.expiresAt(),
            token));
  }

  /** Removes {@code lease} if the registry still holds it (same id and token). */
  @Override
  public boolean remove(Lease lease) {
    if (!LeaseIds.valid(lease.leaseId())) {
      return false;
    }
    long high = LeaseIds.high(lease.leaseId());
    long low = LeaseIds.low(lease.leaseId());
    StoredLease removed = table(high, low).remove(high, low, l -> l.tokenEquals(lease.token()));
    if (removed != null) {
      forget(removed);
    }
    return removed != null;
  }

  /** Drops expired leases; returns how many. */
  @Override
  public int purgeExpired() {
    Instant now = clock.instant();
    int removed = 0;
    for (LeaseTable t : tables) {
      removed += t.purgeExpired(now, this::forget);
    }
    return removed;
  }

  @Override
  public int size() {
    return size.get();
  }

  /** Distinct (identity, issuer, subject, owner, repositories) values held: for tests. */
  int distinctContexts() {
    return contexts.size();
  }

  /** Distinct (identity, issuer, owner, repositories) values held: for tests. */
  int distinctTargets() {
    return contexts.targets();
  }

  /** Estimated heap held by the leases (see {@link StoredLease#footprint}). */
  public long bytes() {
    return bytes.get();
  }

  private void forget(StoredLease lease) {
    size.decrementAndGet();
    bytes.addAndGet(-lease.footprint());
    contexts.release(lease.context());
  }

  private LeaseTable table(long high, long low) {
    return tables[(int) (LeaseTable.hash(high, low) >>> 60) & (STRIPES - 1)];
  }
}
