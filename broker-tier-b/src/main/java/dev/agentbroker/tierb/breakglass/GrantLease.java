package dev.agentbroker.tierb.breakglass;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Takes and gives back a grant's lease in the store. A step waits a little for a lease another
 * replica holds (its holder only journals and writes, milliseconds), then gives up: a refusal is
 * better than a request thread parked behind a stuck holder. The TTL bounds how long a crashed
 * holder blocks the grant; it is far above a journal append, and the store's compare-and-set still
 * refuses a late holder's write.
 */
final class GrantLease implements AutoCloseable {
  static final Duration TTL = Duration.ofSeconds(30);
  static final Duration WAIT = Duration.ofSeconds(5);

  private final GrantStore store;
  private final String id;
  private final String owner;

  private GrantLease(GrantStore store, String id, String owner) {
    this.store = store;
    this.id = id;
    this.owner = owner;
  }

  /** The lease on {@code id}, waiting up to {@link #WAIT}; null when still held by another. */
  static GrantLease await(GrantStore store, String id) throws GrantStoreException {
    String owner = UUID.randomUUID().toString();
    long deadline = System.nanoTime() + WAIT.toNanos();
    long pause = 1;
    while (!store.lock(id, owner, TTL)) {
      if (System.nanoTime() - deadline > 0) {
        return null;
      }
      try {
        TimeUnit.MILLISECONDS.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
      pause = Math.min(pause * 2, 20);
    }
    return new GrantLease(store, id, owner);
  }

  /** The lease on {@code id} if it is free now; null otherwise (for the sweep, which can skip). */
  static GrantLease tryNow(GrantStore store, String id) throws GrantStoreException {
    String owner = UUID.randomUUID().toString();
    return store.lock(id, owner, TTL) ? new GrantLease(store, id, owner) : null;
  }

  @Override
  public void close() {
    try {
      store.unlock(id, owner);
    } catch (GrantStoreException e) {
      // The lease ends by itself after its TTL; until then the grant only waits.
      BreakGlassAudit.log("lease", "error", "unlock_failed", null, id);
    }
  }
}
