package dev.agentbroker.tierb.breakglass;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where grants live, one grant at a time, so several broker replicas can share them (issue #17).
 * The service holds no authoritative copy: it reads the store on every step. Every write is atomic
 * on its own ({@link #create} is insert-if-absent, {@link #replace} is compare-and-set); {@link
 * #lock} holds one grant for the few milliseconds of "check → journal → write", so two replicas
 * never both journal the same step. The lock is a lease (it ends by itself after its TTL, so a
 * crashed holder blocks nobody for long) and the compare-and-set fences a holder whose lease ran
 * out: its write fails instead of overwriting the newer state.
 *
 * <p>Every method throws {@link GrantStoreException} when the store cannot answer; the service then
 * refuses the step (fail closed: it never acts on a grant it could not read).
 */
public interface GrantStore {
  /** The stored grant, or empty when there is none (never, or trimmed from the history). */
  Optional<Grant> get(String id) throws GrantStoreException;

  /**
   * Every open grant and the newest decided ones (at most the store's history limit), newest
   * request first.
   */
  List<Grant> list() throws GrantStoreException;

  /** Stores a new grant; false (and nothing written) when a grant with its id exists. */
  boolean create(Grant grant) throws GrantStoreException;

  /**
   * Replaces {@code expected} by {@code next} (same id) only if the stored grant is still equal to
   * {@code expected}; false (and nothing written) otherwise. Deciding a grant may drop the oldest
   * decided ones beyond the history limit (the journal keeps everything).
   */
  boolean replace(Grant expected, Grant next) throws GrantStoreException;

  /**
   * Takes the lease on grant {@code id} for {@code owner} (a random token of the caller) for at
   * most {@code ttl}; false when someone else holds it. The id need not exist.
   */
  boolean lock(String id, String owner, Duration ttl) throws GrantStoreException;

  /** Gives the lease back if {@code owner} still holds it; otherwise does nothing. */
  void unlock(String id, String owner) throws GrantStoreException;

  /** Where the state lives, for messages (never a secret). */
  String describe();
}
