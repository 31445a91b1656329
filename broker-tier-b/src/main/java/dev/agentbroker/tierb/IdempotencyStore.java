package dev.agentbroker.tierb;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers the answer to a verb call under its {@code Idempotency-Key} (per identity and verb) for
 * a day, so a retried call returns the first answer instead of acting twice. The same key with a
 * different body is a conflict, and a key whose first call is still running is busy.
 */
public final class IdempotencyStore {
  /** A stored answer: HTTP status and JSON body. */
  public record Stored(int status, String body) {}

  /** What a new call with a key finds. */
  public sealed interface Claim permits Claim.Fresh, Claim.Replay, Claim.Conflict, Claim.Busy {
    record Fresh() implements Claim {}

    record Replay(Stored stored) implements Claim {}

    record Conflict() implements Claim {}

    record Busy() implements Claim {}
  }

  private record Entry(String bodyHash, Stored stored, Instant expiresAt) {}

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final Clock clock;
  private final Duration ttl;

  public IdempotencyStore(Clock clock, Duration ttl) {
    this.clock = clock;
    this.ttl = ttl;
  }

  /** Claims {@code key} for a call whose body hashes to {@code bodyHash}. */
  public Claim claim(String key, String bodyHash) {
    Instant now = clock.instant();
    Claim[] out = new Claim[1];
    entries.compute(
        key,
        (k, e) -> {
          if (e == null || !now.isBefore(e.expiresAt())) {
            out[0] = new Claim.Fresh();
            return new Entry(bodyHash, null, now.plus(ttl));
          }
          if (!e.bodyHash().equals(bodyHash)) {
            out[0] = new Claim.Conflict();
          } else if (e.stored() == null) {
            out[0] = new Claim.Busy();
          } else {
            out[0] = new Claim.Replay(e.stored());
          }
          return e;
        });
    return out[0];
  }

  /** Records the final answer of a claimed key. */
  public void complete(String key, Stored stored) {
    entries.computeIfPresent(key, (k, e) -> new Entry(e.bodyHash(), stored, e.expiresAt()));
  }

  /** Releases a claim whose call ended before acting (e.g. refused), so a retry may run. */
  public void release(String key) {
    entries.computeIfPresent(key, (k, e) -> e.stored() == null ? null : e);
  }

  public Optional<Stored> peek(String key) {
    return Optional.ofNullable(entries.get(key)).map(Entry::stored);
  }
}
