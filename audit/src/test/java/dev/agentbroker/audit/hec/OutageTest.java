package dev.agentbroker.audit.hec;

import static dev.agentbroker.audit.hec.HecFixtures.TOKEN;
import static dev.agentbroker.audit.hec.HecFixtures.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.audit.FileJournal;
import dev.agentbroker.audit.JournalConfig;
import dev.agentbroker.audit.ShippingCursor;
import dev.agentbroker.audit.TestEvents;
import dev.agentbroker.testkit.hec.HecReceiver;
import dev.agentbroker.testkit.hec.HecReceiverSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HEC down for seconds while thousands of events are written: after recovery every event_id arrives
 * at least once. Real time is the point here (the outage is a wall-clock window).
 */
class OutageTest {
  private static final int WRITERS = 4;
  private static final int PER_WRITER = 1_000;
  @TempDir Path dir;

  @Test
  void everyEventArrivesAfterAnOutage() throws Exception {
    Clock clock = Clock.systemUTC();
    Set<String> written = ConcurrentHashMap.newKeySet();
    try (HecReceiver hec = HecReceiver.start(HecReceiverSettings.of(TOKEN).withAcks(true));
        FileJournal journal =
            FileJournal.open(JournalConfig.defaults(dir.resolve("journal")), clock)) {
      ShippingCursor cursor = ShippingCursor.open(dir.resolve("cursor.json"));
      HecConfig config =
          HecFixtures.fast(hec.baseUri())
              .ack(true, null)
              .backoff(Duration.ofMillis(20), Duration.ofMillis(400))
              .build();
      try (HecShipper shipper = HecShipper.start(config, journal, cursor, clock, null)) {
        hec.faults().downFor(Duration.ofSeconds(3));
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        List<Future<?>> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
          int writer = w;
          writers.add(
              pool.submit(
                  () -> {
                    for (int i = 0; i < PER_WRITER; i++) {
                      var e = TestEvents.event(clock, writer * PER_WRITER + i);
                      journal.append(e);
                      written.add(e.eventId());
                    }
                    return null;
                  }));
        }
        for (Future<?> f : writers) {
          f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertEquals(WRITERS * PER_WRITER, written.size());
        assertTrue(
            await(
                Duration.ofSeconds(40), () -> hec.receivedEventIds().keySet().containsAll(written)),
            () -> "missing " + missing(written, hec.receivedEventIds()).size());
        assertTrue(await(Duration.ofSeconds(10), () -> shipper.stats().backlogEvents() == 0));
        assertTrue(shipper.stats().retried() > 0, "the outage forced retries");
        assertTrue(
            hec.requests().stream().anyMatch(r -> r.status() == -1), "requests were dropped");
        assertEquals(WRITERS * PER_WRITER, cursor.lastShippedSequence());
      }
      assertEquals(written, HecFixtures.journalEventIds(dir.resolve("journal")));
      DeliveryDuplicatesTest.report("outage-3s", written.size(), hec.receivedEventIds());
    }
  }

  private static Set<String> missing(Set<String> written, Map<String, Integer> got) {
    Set<String> m = new HashSet<>(written);
    m.removeAll(got.keySet());
    return m;
  }
}
