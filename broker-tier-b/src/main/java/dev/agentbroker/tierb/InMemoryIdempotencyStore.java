package dev.agentbroker.tierb;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** {@link IdempotencyStore} for one replica: records in memory, expired by the injected clock. */
public final class InMemoryIdempotencyStore implements IdempotencyStore {
  private record Entry(String bodyHash, Stored stored, Instant expiresAt) {}

  /** Expired records are dropped at most this often, so the map cannot grow without bound. */
  private static final Duration PURGE_EVERY = Duration.ofMinutes(1);

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final Clock clock;
  private final Duration ttl;
  private volatile Instant nextPurge;

  public InMemoryIdempotencyStore(Clock clock, Duration ttl) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive");
    }
    this.clock = clock;
    this.ttl = ttl;
    this.nextPurge = clock.instant().plus(PURGE_EVERY);
  }

  @Override
  public Claim claim(String key, String bodyHash) {
    Instant now = clock.instant();
    purge(now);
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

  @Override
  public void complete(String key, Stored stored) {
    entries.computeIfPresent(key, (k, e) -> new Entry(e.bodyHash(), stored, e.expiresAt()));
  }

  @Override
  public void release(String key) {
    entries.computeIfPresent(key, (k, e) -> e.stored() == null ? null : e);
  }

  @Override
  public Optional<Stored> peek(String key) {
    Entry e = entries.get(key);
    return e == null || !clock.instant().isBefore(e.expiresAt())
        ? Optional.empty()
        : Optional.ofNullable(e.stored());
  }

  private void purge(Instant now) {
    if (now.isBefore(nextPurge)) {
      return;
    }
    nextPurge = now.plus(PURGE_EVERY);
    entries.values().removeIf(e -> !now.isBefore(e.expiresAt()));
  }
}
