package dev.agentbroker.broker.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.audit.TokenHashes;
import dev.agentbroker.broker.ratelimit.TestRedis;
import dev.agentbroker.testkit.MutableClock;
import dev.agentbroker.tiera.Lease;
import dev.agentbroker.tiera.LeaseStoreUnavailableException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link RedisLeaseStore} against a real Redis: what is stored (sealed, never the token), for how
 * long (the token's expiry, asserted on {@code PTTL}, no sleeping), at what cost in round trips,
 * and the compare-and-delete that lets exactly one of two replicas revoke a lease.
 */
class RedisLeaseStoreTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static Vertx vertx;
  private final MutableClock clock = new MutableClock(Instant.now());
  private final byte[] key = randomKey();
  private String prefix;
  private SharedRedis redis;
  private RedisLeaseStore store;

  @BeforeAll
  static void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() {
    vertx.close();
  }

  @BeforeEach
  void start() {
    prefix = "test:" + UUID.randomUUID() + ":";
    redis = new SharedRedis(vertx, TestRedis.shared().url(), Duration.ofSeconds(2));
    store = replica(redis, key);
  }

  @AfterEach
  void stop() {
    redis.close();
  }

  private RedisLeaseStore replica(SharedRedis r, byte[] sealKey) {
    return new RedisLeaseStore(r, new Sealer(sealKey), prefix, clock);
  }

  private static byte[] randomKey() {
    byte[] k = new byte[32];
    RANDOM.nextBytes(k);
    return k;
  }

  /** A lease with GitHub's long stateless token format, expiring in an hour. */
  private Lease lease(String id) {
    byte[] b = new byte[260];
    RANDOM.nextBytes(b);
    String token = "ghs_" + HexFormat.of().formatHex(b);
    return new Lease(
        id,
        "launcher",
        "https://issuer.test",
        "agent-launcher",
        "acme",
        List.of("svc-a", "docs"),
        TokenHashes.sha256Hex(token),
        clock.instant().plus(Duration.ofHours(1)),
        token);
  }

  @Test
  void putGetRemoveRoundTripsOncePerCall() throws Exception {
    Lease l = lease(store.newLeaseId());
    long before = redis.roundTrips();
    assertTrue(store.hasRoom());
    store.put(l);
    assertEquals(1, redis.roundTrips() - before, "hasRoom free, put one SET");
    before = redis.roundTrips();
    Lease read = store.get(l.leaseId()).orElseThrow();
    assertEquals(1, redis.roundTrips() - before, "get one GET");
    assertEquals(l, read);
    assertEquals(l.token(), read.token());
    before = redis.roundTrips();
    assertTrue(store.remove(l));
    assertEquals(1, redis.roundTrips() - before, "remove one script");
    assertTrue(store.get(l.leaseId()).isEmpty());
    assertFalse(store.remove(l), "already gone");
  }

  @Test
  void malformedIdsAreNotLeasesAndCostNoRoundTrip() throws Exception {
    long before = redis.roundTrips();
    for (String id : new String[] {"lease_ABC", "lease_*", prefix + "*", "", "lease_1"}) {
      assertTrue(store.get(id).isEmpty(), id);
    }
    assertEquals(0, redis.roundTrips() - before);
  }

  @Test
  void theKeyExpiresWithTheTokenAndTheBrokerClockDecidesOnRead() throws Exception {
    Lease l = lease(store.newLeaseId());
    store.put(l);
    long pttl = redis.send(Request.cmd(Command.PTTL).arg(store.key(l.leaseId()))).toLong();
    long hour = Duration.ofHours(1).toMillis();
    // Set from the broker's clock to the token's expiry; Redis counts down in real time.
    assertTrue(pttl <= hour && pttl > hour - 60_000, "PTTL " + pttl);
    clock.advance(Duration.ofMinutes(59));
    assertTrue(store.get(l.leaseId()).isPresent());
    clock.advance(Duration.ofMinutes(1));
    assertTrue(store.get(l.leaseId()).isEmpty(), "expired by the broker's clock");
    assertEquals(0, store.purgeExpired(), "Redis purges by TTL");
  }

  @Test
  void anAlreadyExpiredLeaseIsNotStored() throws Exception {
    Lease l = lease(store.newLeaseId());
    clock.advance(Duration.ofHours(2));
    long before = redis.roundTrips();
    store.put(l);
    assertEquals(0, redis.roundTrips() - before);
  }

  @Test
  void theTokenNeverReachesRedisInTheClear() throws Exception {
    List<Lease> leases = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Lease l = lease(store.newLeaseId());
      store.put(l);
      leases.add(l);
    }
    // Every key and value in the whole Redis, whatever wrote it.
    Response keys = redis.send(Request.cmd(Command.KEYS).arg("*"));
    StringBuilder all = new StringBuilder();
    for (Response k : keys) {
      String name = k.toString();
      all.append(name).append('\n');
      String type = redis.send(Request.cmd(Command.TYPE).arg(name)).toString();
      Response v =
          switch (type) {
            case "hash" -> redis.send(Request.cmd(Command.HGETALL).arg(name));
            case "string" -> redis.send(Request.cmd(Command.GET).arg(name));
            default -> null;
          };
      if (v != null) {
        all.append(v).append('\n');
      }
    }
    String dump = all.toString();
    for (Lease l : leases) {
      assertTrue(dump.contains(l.leaseId()), "the lease is there");
      assertTrue(dump.contains(l.tokenSha256()), "with its hash");
      assertFalse(dump.contains(l.token()), "but not its token");
      assertFalse(dump.contains(l.token().substring(4, 40)), "nor a piece of it");
    }
    assertFalse(dump.contains("ghs_"), "no token prefix anywhere");
    JsonObject record = record(store.key(leases.get(0).leaseId()));
    assertTrue(record.getString("token_sealed").startsWith("v1."), record.fieldNames().toString());
  }

  private JsonObject record(String k) throws Exception {
    return new JsonObject(redis.send(Request.cmd(Command.GET).arg(k)).toString());
  }

  @Test
  void aSealedTokenMovedToAnotherLeaseOrOpenedWithAnotherKeyIsRefused() throws Exception {
    Lease a = lease(store.newLeaseId());
    Lease b = lease(store.newLeaseId());
    store.put(a);
    store.put(b);
    String sealedA = record(store.key(a.leaseId())).getString("token_sealed");
    JsonObject bWithA = record(store.key(b.leaseId())).put("token_sealed", sealedA);
    redis.send(
        Request.cmd(Command.SET).arg(store.key(b.leaseId())).arg(bWithA.encode()).arg("KEEPTTL"));
    LeaseStoreUnavailableException moved =
        assertThrows(LeaseStoreUnavailableException.class, () -> store.get(b.leaseId()));
    assertFalse(moved.getMessage().contains(a.token()));
    // A replica configured with another broker.state.seal-key-file.
    RedisLeaseStore otherKey = replica(redis, randomKey());
    assertThrows(LeaseStoreUnavailableException.class, () -> otherKey.get(a.leaseId()));
    assertEquals(2, store.failures() + otherKey.failures());
  }

  @Test
  void aRecordThatIsNotALeaseIsUnavailableAndNotDeleted() throws Exception {
    Lease l = lease(store.newLeaseId());
    redis.send(Request.cmd(Command.SET).arg(store.key(l.leaseId())).arg("not json"));
    assertThrows(LeaseStoreUnavailableException.class, () -> store.get(l.leaseId()));
    assertFalse(store.remove(l));
    redis.send(Request.cmd(Command.SET).arg(store.key(l.leaseId())).arg("{\"identity\":\"x\"}"));
    assertThrows(LeaseStoreUnavailableException.class, () -> store.get(l.leaseId()));
  }

  @Test
  void removeComparesTheTokenHash() throws Exception {
    Lease old = lease(store.newLeaseId());
    store.put(old);
    Lease replaced = lease(old.leaseId()); // same id, another token
    store.put(replaced);
    assertFalse(store.remove(old), "a stale lease does not delete the current one");
    assertEquals(replaced.token(), store.get(old.leaseId()).orElseThrow().token());
    assertTrue(store.remove(replaced));
  }

  @Test
  void twoReplicasRevokingOneLeaseConcurrentlyExactlyOneWins() throws Exception {
    SharedRedis other = new SharedRedis(vertx, TestRedis.shared().url(), Duration.ofSeconds(2));
    RedisLeaseStore replicaB = replica(other, key);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 50; round++) {
        Lease l = lease(store.newLeaseId());
        store.put(l);
        // Both replicas read the lease first, as TokenService does before claiming it.
        Lease seenByA = store.get(l.leaseId()).orElseThrow();
        Lease seenByB = replicaB.get(l.leaseId()).orElseThrow();
        CountDownLatch go = new CountDownLatch(1);
        Future<Boolean> a =
            pool.submit(
                () -> {
                  go.await();
                  return store.remove(seenByA);
                });
        Future<Boolean> b =
            pool.submit(
                () -> {
                  go.await();
                  return replicaB.remove(seenByB);
                });
        go.countDown();
        assertTrue(a.get() ^ b.get(), "round " + round + ": exactly one claim wins");
      }
    } finally {
      pool.shutdownNow();
      other.close();
    }
  }

  @Test
  void redisDownIsUnavailableWithoutTheUrlOrPassword() throws Exception {
    TestRedis own = TestRedis.startOwn();
    int port = own.port();
    own.close();
    String url = "redis://broker:s3cret-pw@127.0.0.1:" + port;
    try (SharedRedis down = new SharedRedis(vertx, url, Duration.ofMillis(500))) {
      RedisLeaseStore s = replica(down, key);
      Lease l = lease(s.newLeaseId());
      assertTrue(s.hasRoom(), "no round trip: true even with Redis down");
      List<LeaseStoreUnavailableException> failures = new ArrayList<>();
      failures.add(assertThrows(LeaseStoreUnavailableException.class, () -> s.put(l)));
      failures.add(assertThrows(LeaseStoreUnavailableException.class, () -> s.get(l.leaseId())));
      failures.add(assertThrows(LeaseStoreUnavailableException.class, () -> s.remove(l)));
      for (LeaseStoreUnavailableException e : failures) {
        assertFalse(e.getMessage().contains("s3cret-pw"), e.getMessage());
        assertFalse(e.getMessage().contains(l.token()), e.getMessage());
      }
      assertEquals(3, s.failures());
      assertTrue(s.maxmemoryPolicy().isEmpty());
    }
  }

  @Test
  void theMaxmemoryPolicyIsReadAndEvictingOnesAreRecognised() throws Exception {
    TestRedis own = TestRedis.startOwn();
    try (SharedRedis r = new SharedRedis(vertx, own.url(), Duration.ofSeconds(2))) {
      RedisLeaseStore s = replica(r, key);
      assertEquals("noeviction", s.maxmemoryPolicy().orElseThrow());
      r.send(Request.cmd(Command.CONFIG).arg("SET").arg("maxmemory-policy").arg("volatile-lru"));
      assertEquals("volatile-lru", s.maxmemoryPolicy().orElseThrow());
      // CONFIG renamed away, as managed Redis services do: INFO still tells.
      r.send(Request.cmd(Command.ACL).arg("SETUSER").arg("default").arg("-config"));
      assertEquals("volatile-lru", s.maxmemoryPolicy().orElseThrow());
    } finally {
      own.close();
    }
  }

  @ParameterizedTest(name = "{0} evicts: {1}")
  @CsvSource({
    "noeviction, false",
    "allkeys-lru, true",
    "allkeys-lfu, true",
    "allkeys-random, true",
    "volatile-lru, true",
    "volatile-ttl, true",
    "VOLATILE-LFU, true"
  })
  void evictingPolicies(String policy, boolean evicting) {
    assertEquals(evicting, RedisLeaseStore.evicting(policy));
  }
}
