package dev.agentbroker.tiera;

import java.util.Optional;

/**
 * Where {@link TokenService} keeps issued tokens until they expire, so they can be revoked early:
 * {@link LeaseRegistry} in this replica's memory, or a store shared by every replica (the broker's
 * Redis store), so a revocation reaches the lease whichever replica minted it.
 *
 * <p>Every call may fail with {@link LeaseStoreUnavailableException}; {@link TokenService} then
 * refuses rather than guesses.
 */
public interface LeaseStore {

  /** A fresh lease id: random, unrelated to the token, safe to log. */
  String newLeaseId();

  /**
   * Room for one more lease. A store bounded elsewhere (Redis: its {@code maxmemory}) answers true
   * without asking it.
   */
  boolean hasRoom() throws LeaseStoreUnavailableException;

  /**
   * Registers {@code lease} until its {@code expiresAt}. Its id must come from {@link #newLeaseId}
   * and its {@code tokenSha256} must be its token's.
   */
  void put(Lease lease) throws LeaseStoreUnavailableException;

  /** The live lease with this id, if any; a malformed id is simply not a lease. */
  Optional<Lease> get(String leaseId) throws LeaseStoreUnavailableException;

  /**
   * Removes {@code lease} if the store still holds it with the same token: compare-and-remove, so
   * of two concurrent removals of one lease exactly one returns true.
   *
   * @return true when this call removed it
   */
  boolean remove(Lease lease) throws LeaseStoreUnavailableException;

  /** Drops expired leases; returns how many (a store whose records expire by themselves: 0). */
  int purgeExpired() throws LeaseStoreUnavailableException;

  /** Leases held, or -1 when the store does not count them (a shared store would have to scan). */
  int size();
}
