package dev.agentbroker.tiera.internal;

import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One stripe of the lease registry: an open-addressing hash table (linear probing, deletion by
 * backward shift, so no tombstones) of {@link StoredLease} references keyed by the 128-bit lease
 * id. A slot costs one compressed reference (4 bytes) and the table stays between 3/16 and 3/4
 * full, where a {@code ConcurrentHashMap} would add a 32-byte node and a key object per lease.
 * Lease ids are random, so probe sequences stay short whatever ids a caller looks up. All methods
 * hold this stripe's lock; the registry spreads leases over several stripes for concurrency.
 */
public final class LeaseTable {
  private static final int MIN_SLOTS = 16;
  private StoredLease[] slots = new StoredLease[MIN_SLOTS];
  private int size;

  /** Mixes both halves so stripe choice (top bits) and slot choice (low bits) are independent. */
  public static long hash(long high, long low) {
    long h = (high * 0x9E3779B97F4A7C15L) ^ low;
    h ^= h >>> 32;
    h *= 0xBF58476D1CE4E5B9L;
    return h ^ (h >>> 29);
  }

  public synchronized StoredLease get(long high, long low) {
    int i = find(high, low);
    return i < 0 ? null : slots[i];
  }

  /** Stores {@code lease}; returns the lease it replaced under the same id, or null. */
  public synchronized StoredLease put(StoredLease lease) {
    int i = find(lease.idHigh, lease.idLow);
    if (i >= 0) {
      StoredLease old = slots[i];
      slots[i] = lease;
      return old;
    }
    if ((size + 1) * 4L > slots.length * 3L) {
      resize(slots.length * 2);
    }
    insert(slots, lease);
    size++;
    return null;
  }

  /** Removes the lease with this id if {@code which} accepts it; returns it, or null. */
  public synchronized StoredLease remove(long high, long low, Predicate<StoredLease> which) {
    int i = find(high, low);
    if (i < 0 || !which.test(slots[i])) {
      return null;
    }
    StoredLease removed = slots[i];
    deleteAt(i);
    shrinkIfSparse();
    return removed;
  }

  /** Removes every lease expired at {@code now}, handing each to {@code removed}. */
  public synchronized int purgeExpired(Instant now, Consumer<StoredLease> removed) {
    if (size == 0) {
      return 0;
    }
    int mask = slots.length - 1;
    int start = 0;
    while (slots[start] != null) { // the table is never full, so an empty slot exists
      start++;
    }
    // Scanning from an empty slot, a backward shift only moves entries from slots not yet
    // visited into the current one, which is therefore examined again before moving on.
    int count = 0;
    int i = (start + 1) & mask;
    for (int steps = slots.length - 1; steps > 0; ) {
      StoredLease l = slots[i];
      if (l != null && l.expiredAt(now)) {
        deleteAt(i);
        removed.accept(l);
        count++;
      } else {
        i = (i + 1) & mask;
        steps--;
      }
    }
    shrinkIfSparse();
    return count;
  }

  public synchronized int size() {
    return size;
  }

  /** Slots allocated, for footprint tests. */
  synchronized int slotCount() {
    return slots.length;
  }

  private int find(long high, long low) {
    int mask = slots.length - 1;
    for (int i = (int) hash(high, low) & mask; ; i = (i + 1) & mask) {
      StoredLease l = slots[i];
      if (l == null) {
        return -1;
      }
      if (l.idHigh == high && l.idLow == low) {
        return i;
      }
    }
  }

  private static void insert(StoredLease[] table, StoredLease lease) {
    int mask = table.length - 1;
    int i = (int) hash(lease.idHigh, lease.idLow) & mask;
    while (table[i] != null) {
      i = (i + 1) & mask;
    }
    table[i] = lease;
  }

  /** Empties slot {@code hole} and shifts later members of its probe run back into the gap. */
  private void deleteAt(int hole) {
    int mask = slots.length - 1;
    slots[hole] = null;
    size--;
    for (int j = (hole + 1) & mask; slots[j] != null; j = (j + 1) & mask) {
      int home = (int) hash(slots[j].idHigh, slots[j].idLow) & mask;
      // Move j into the hole unless its home lies cyclically in (hole, j].
      boolean homeBetween = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
      if (!homeBetween) {
        slots[hole] = slots[j];
        slots[j] = null;
        hole = j;
      }
    }
  }

  private void shrinkIfSparse() {
    int length = slots.length;
    while (length > MIN_SLOTS && size * 16L < length * 3L) {
      length /= 2;
    }
    if (length != slots.length) {
      resize(length);
    }
  }

  private void resize(int newLength) {
    StoredLease[] next = new StoredLease[newLength];
    for (StoredLease l : slots) {
      if (l != null) {
        insert(next, l);
      }
    }
    slots = next;
  }
}
