package dev.agentbroker.broker.state;

import dev.agentbroker.audit.TokenHashes;
import dev.agentbroker.broker.state.SharedRedis.Script;
import dev.agentbroker.tiera.Lease;
import dev.agentbroker.tiera.LeaseStore;
import dev.agentbroker.tiera.LeaseStoreUnavailableException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * Leases in the shared Redis, so any replica can revoke a token another replica minted. One compact
 * JSON string per lease, {@code <prefix>lease:<id>}, holding the lease's identity, issuer, subject,
 * owner, repositories, token SHA-256 and expiry, and the token {@linkplain Sealer sealed} for the
 * lease id (the plain token never reaches Redis). A string, not a hash: Redis stores a hash with
 * values over 64 bytes (the sealed token) as a hash table, ~1.4 times the memory. The key expires
 * with the token ({@code PX}, from the broker's clock), so Redis purges leases itself.
 *
 * <p>Round trips: {@link #put} one ({@code SET … PX}); {@link #get} one ({@code GET}); {@link
 * #remove} one (a compare-and-delete script: the record is deleted only while it still holds the
 * same token hash, so of two replicas revoking one lease exactly one wins). {@link #hasRoom} none:
 * the bound is Redis's {@code maxmemory} with {@code noeviction}, which then refuses writes ({@code
 * state_unavailable}) instead of dropping revocable leases. An evicting {@code maxmemory-policy}
 * would forget leases silently; {@link #maxmemoryPolicy} lets readiness refuse it.
 */
public final class RedisLeaseStore implements LeaseStore {
  private static final Pattern LEASE_ID = Pattern.compile("^lease_[0-9a-f]{32}$");

  /**
   * Deletes the lease only if it still holds token hash ARGV[1]; 1 when this call deleted it. A
   * record that is not JSON is left alone (and reported by the next read).
   */
  static final Script REMOVE =
      Script.of(
          "local v = redis.call('GET', KEYS[1]) "
              + "if not v then return 0 end "
              + "local ok, lease = pcall(cjson.decode, v) "
              + "if ok and type(lease) == 'table' and lease['token_sha256'] == ARGV[1] then "
              + "return redis.call('DEL', KEYS[1]) end "
              + "return 0");

  private final SharedRedis redis;
  private final Sealer sealer;
  private final String prefix;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final LongAdder failures = new LongAdder();

  public RedisLeaseStore(SharedRedis redis, Sealer sealer, String prefix, Clock clock) {
    this.redis = redis;
    this.sealer = sealer;
    this.prefix = prefix;
    this.clock = clock;
  }

  @Override
  public String newLeaseId() {
    byte[] b = new byte[16];
    random.nextBytes(b);
    return "lease_" + HexFormat.of().formatHex(b);
  }

  /** True without a round trip: Redis's {@code maxmemory} (noeviction) is the bound. */
  @Override
  public boolean hasRoom() {
    return true;
  }

  @Override
  public void put(Lease lease) throws LeaseStoreUnavailableException {
    if (!LEASE_ID.matcher(lease.leaseId()).matches()) {
      throw new IllegalArgumentException("not a lease id from newLeaseId()");
    }
    if (!TokenHashes.sha256Hex(lease.token()).equals(lease.tokenSha256())) {
      throw new IllegalArgumentException("tokenSha256 is not the SHA-256 of the lease's token");
    }
    long ttl = lease.expiresAt().toEpochMilli() - clock.millis();
    if (ttl <= 0) {
      return; // already expired: nothing left to revoke, and PX would refuse it
    }
    JsonObject record =
        new JsonObject()
            .put("identity", lease.identityId())
            .put("issuer", lease.issuer())
            .put("subject", lease.subject())
            .put("owner", lease.owner())
            .put("repositories", new JsonArray(new ArrayList<Object>(lease.repositories())))
            .put("token_sha256", lease.tokenSha256())
            .put("expires_at", lease.expiresAt().toString())
            .put("token_sealed", sealer.seal(lease.token(), lease.leaseId()));
    try {
      // One command, atomic: a re-put replaces the whole record and its expiry.
      redis.send(
          Request.cmd(Command.SET)
              .arg(key(lease.leaseId()))
              .arg(record.encode())
              .arg("PX")
              .arg(ttl));
    } catch (StateUnavailableException e) {
      throw unavailable(e);
    }
  }

  @Override
  public Optional<Lease> get(String leaseId) throws LeaseStoreUnavailableException {
    if (leaseId == null || !LEASE_ID.matcher(leaseId).matches()) {
      return Optional.empty(); // caller input: a malformed id is simply not a lease
    }
    try {
      Response r = redis.send(Request.cmd(Command.GET).arg(key(leaseId)));
      if (r == null) {
        return Optional.empty();
      }
      JsonObject v = new JsonObject(r.toString());
      Instant expiresAt = Instant.parse(text(v, "expires_at"));
      if (!clock.instant().isBefore(expiresAt)) {
        return Optional.empty(); // Redis's TTL will drop it; the broker's clock decides now
      }
      String token = sealer.open(text(v, "token_sealed"), leaseId);
      String sha = text(v, "token_sha256");
      if (!TokenHashes.sha256Hex(token).equals(sha)) {
        throw new StateUnavailableException("a lease record's token does not match its hash");
      }
      List<String> repos = new ArrayList<>();
      JsonArray names = v.getJsonArray("repositories");
      if (names == null) {
        throw new StateUnavailableException("a lease record in the state store is incomplete");
      }
      names.forEach(x -> repos.add((String) x));
      return Optional.of(
          new Lease(
              leaseId,
              text(v, "identity"),
              text(v, "issuer"),
              text(v, "subject"),
              text(v, "owner"),
              repos,
              sha,
              expiresAt,
              token));
    } catch (StateUnavailableException e) {
      throw unavailable(e);
    } catch (DateTimeParseException | DecodeException | ClassCastException e) {
      throw unavailable(
          new StateUnavailableException("a lease record in the state store is malformed"));
    }
  }

  private static String text(JsonObject v, String field) throws StateUnavailableException {
    String s = v.getString(field);
    if (s == null) {
      throw new StateUnavailableException("a lease record in the state store is incomplete");
    }
    return s;
  }

  @Override
  public boolean remove(Lease lease) throws LeaseStoreUnavailableException {
    if (!LEASE_ID.matcher(lease.leaseId()).matches()) {
      return false;
    }
    try {
      Response r = redis.eval(REMOVE, List.of(key(lease.leaseId())), List.of(lease.tokenSha256()));
      return r != null && r.toLong() == 1L;
    } catch (StateUnavailableException e) {
      throw unavailable(e);
    }
  }

  /** Nothing to do: every lease key carries its token's expiry. */
  @Override
  public int purgeExpired() {
    return 0;
  }

  /** Not counted: counting would scan Redis. */
  @Override
  public int size() {
    return -1;
  }

  /** Lease store calls that failed (Redis down, slow, or a record that did not open). */
  public long failures() {
    return failures.sum();
  }

  /**
   * Redis's {@code maxmemory-policy}, by {@code CONFIG GET} or, where that is forbidden (ACLs,
   * managed Redis), by {@code INFO memory}; empty when neither answers.
   */
  public Optional<String> maxmemoryPolicy() {
    try {
      Response r = redis.send(Request.cmd(Command.CONFIG).arg("GET").arg("maxmemory-policy"));
      // RESP2: [name, value]; RESP3: {name: value}.
      if (r != null && r.size() >= 2) {
        return Optional.of(r.get(1).toString());
      }
      if (r != null && r.size() == 1 && r.containsKey("maxmemory-policy")) {
        return Optional.of(r.get("maxmemory-policy").toString());
      }
    } catch (StateUnavailableException | RuntimeException e) {
      // CONFIG may be renamed or denied: INFO is the fallback.
    }
    try {
      Response r = redis.send(Request.cmd(Command.INFO).arg("memory"));
      if (r != null) {
        for (String line : r.toString().split("\r?\n")) {
          if (line.startsWith("maxmemory_policy:")) {
            return Optional.of(line.substring("maxmemory_policy:".length()).strip());
          }
        }
      }
    } catch (StateUnavailableException e) {
      // unknown
    }
    return Optional.empty();
  }

  /** {@code allkeys-*} and {@code volatile-*} evict keys (every lease has a TTL): leases lost. */
  public static boolean evicting(String policy) {
    String p = policy.toLowerCase(Locale.ROOT);
    return p.startsWith("allkeys-") || p.startsWith("volatile-");
  }

  String key(String leaseId) {
    return prefix + "lease:" + leaseId;
  }

  private LeaseStoreUnavailableException unavailable(StateUnavailableException e) {
    failures.increment();
    return new LeaseStoreUnavailableException(e.getMessage());
  }

  @Override
  public String toString() {
    return "RedisLeaseStore[prefix=" + prefix + "]";
  }
}
