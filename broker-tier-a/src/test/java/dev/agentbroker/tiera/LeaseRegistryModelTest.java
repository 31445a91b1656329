package dev.agentbroker.tiera;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentbroker.audit.TokenHashes;
import dev.agentbroker.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The registry's hash tables (open addressing with backward-shift deletion, growing and shrinking)
 * against a plain map: seeded random puts, reads, removals, expiries and purges must agree.
 */
class LeaseRegistryModelTest {

  @Test
  void agreesWithAMapThroughGrowthDeletionAndShrinking() {
    Instant t0 = Instant.parse("2026-12-07T10:00:00Z");
    MutableClock clock = new MutableClock(t0);
    LeaseRegistry registry = new LeaseRegistry(clock, Integer.MAX_VALUE);
    Map<String, Lease> model = new HashMap<>();
    List<String> ids = new ArrayList<>();
    Random random = new Random(42);
    for (int round = 0; round < 40_000; round++) {
      int op = random.nextInt(10);
      if (op < 5 || ids.isEmpty()) {
        String token = "ghs_" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
        Lease l =
            new Lease(
                registry.newLeaseId(),
                "id-" + random.nextInt(5),
                "iss",
                "sub-" + random.nextInt(3),
                "acme",
                List.of("svc-" + random.nextInt(4)),
                TokenHashes.sha256Hex(token),
                clock.instant().plusSeconds(1 + random.nextInt(600)),
                token);
        registry.put(l);
        model.put(l.leaseId(), l);
        ids.add(l.leaseId());
      } else if (op < 7) {
        String id = ids.get(random.nextInt(ids.size()));
        Lease expected = model.get(id);
        if (expected != null && !clock.instant().isBefore(expected.expiresAt())) {
          model.remove(id); // get drops an expired lease
          expected = null;
        }
        assertEquals(expected, registry.get(id).orElse(null), id);
      } else if (op < 9) {
        Lease l = model.remove(ids.get(random.nextInt(ids.size())));
        if (l != null) {
          registry.remove(l);
        }
      } else {
        clock.advance(Duration.ofSeconds(random.nextInt(30)));
        if (random.nextInt(20) == 0) {
          Instant now = clock.instant();
          int expired =
              (int) model.values().stream().filter(l -> !now.isBefore(l.expiresAt())).count();
          model.values().removeIf(l -> !now.isBefore(l.expiresAt()));
          assertEquals(expired, registry.purgeExpired());
        }
      }
      assertEquals(model.size(), registry.size());
    }
    Instant now = clock.instant();
    for (Lease l : model.values()) {
      assertEquals(now.isBefore(l.expiresAt()) ? l : null, registry.get(l.leaseId()).orElse(null));
    }
    clock.advance(Duration.ofHours(1));
    registry.purgeExpired();
    assertEquals(0, registry.size());
    assertEquals(0, registry.distinctContexts());
    assertEquals(0, registry.distinctTargets());
    assertEquals(0, registry.bytes());
  }

  @Test
  void concurrentPutsReadsAndRemovalsKeepCountsAndContextsExact() throws Exception {
    Instant t0 = Instant.parse("2026-12-07T10:00:00Z");
    LeaseRegistry registry = new LeaseRegistry(new MutableClock(t0), Integer.MAX_VALUE);
    int threads = 4;
    int perThread = 5_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<List<Lease>>> kept = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int seed = t;
      kept.add(
          pool.submit(
              () -> {
                Random random = new Random(seed);
                List<Lease> mine = new ArrayList<>();
                go.await();
                for (int i = 0; i < perThread; i++) {
                  String token = "ghs_" + seed + "_" + i;
                  Lease l =
                      new Lease(
                          registry.newLeaseId(),
                          "id-" + random.nextInt(3), // contexts shared across threads
                          "iss",
                          "sub",
                          "acme",
                          List.of("svc-a"),
                          TokenHashes.sha256Hex(token),
                          t0.plusSeconds(3600),
                          token);
                  registry.put(l);
                  if (!registry.get(l.leaseId()).orElseThrow().equals(l)) {
                    throw new AssertionError("read back differs: " + l);
                  }
                  if (random.nextBoolean()) {
                    registry.remove(l);
                  } else {
                    mine.add(l);
                  }
                }
                return mine;
              }));
    }
    go.countDown();
    List<Lease> all = new ArrayList<>();
    for (Future<List<Lease>> f : kept) {
      all.addAll(f.get());
    }
    pool.shutdown();
    assertEquals(all.size(), registry.size());
    for (Lease l : all) {
      assertEquals(l, registry.get(l.leaseId()).orElse(null));
    }
    assertEquals(3, registry.distinctContexts());
    all.forEach(registry::remove);
    assertEquals(0, registry.size());
    assertEquals(0, registry.distinctContexts());
    assertEquals(0, registry.distinctTargets());
    assertEquals(0, registry.bytes());
  }
}
