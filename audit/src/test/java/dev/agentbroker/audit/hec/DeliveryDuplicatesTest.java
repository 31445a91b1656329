package dev.agentbroker.audit.hec;

import static dev.agentbroker.audit.hec.HecFixtures.TOKEN;
import static dev.agentbroker.audit.hec.HecFixtures.await;
import static dev.agentbroker.audit.hec.HecFixtures.fast;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.audit.FileJournal;
import dev.agentbroker.audit.JournalConfig;
import dev.agentbroker.audit.MutableClock;
import dev.agentbroker.audit.ShippingCursor;
import dev.agentbroker.audit.TestEvents;
import dev.agentbroker.testkit.hec.HecReceiver;
import dev.agentbroker.testkit.hec.HecReceiverSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures what at-least-once costs: 140 events shipped in batches of 20 through a lost reply
 * (indexed, connection dropped) and a lost indexer ack. Nothing is lost; the lost reply resends a
 * batch Splunk already indexed, so Splunk holds duplicates that every search must count once
 * (docs/splunk). {@link OutageTest} and {@link CrashTest} report their duplicates the same way.
 */
class DeliveryDuplicatesTest {
  @TempDir Path dir;

  /** Prints the measurement in a fixed form; docs/splunk/README.md quotes these lines. */
  static int report(String scenario, int journaled, Map<String, Integer> received) {
    int delivered = received.values().stream().mapToInt(Integer::intValue).sum();
    int duplicates = delivered - received.size();
    System.out.printf(
        "DELIVERY %s journaled=%d delivered=%d duplicates=%d rate=%.1f%%%n",
        scenario, journaled, delivered, duplicates, 100.0 * duplicates / journaled);
    return duplicates;
  }

  @Test
  void aLostReplyResendsOneBatchAndALostAckLosesNothing() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-07T10:00:00Z"));
    try (HecReceiver hec = HecReceiver.start(HecReceiverSettings.of(TOKEN).withAcks(true));
        FileJournal journal =
            FileJournal.open(JournalConfig.defaults(dir.resolve("journal")), clock)) {
      Set<String> ids = new HashSet<>();
      write(journal, clock, 0, 60, ids);
      // Indexed, then the connection drops before the reply: the batch is sent again.
      hec.faults().dropAfterRecordNext(1);
      ShippingCursor cursor = ShippingCursor.open(dir.resolve("cursor.json"));
      HecConfig config = fast(hec.baseUri()).maxBatchEvents(20).ack(true, null).build();
      try (HecShipper shipper = HecShipper.start(config, journal, cursor, clock, null)) {
        assertTrue(await(Duration.ofSeconds(30), () -> cursor.lastShippedSequence() == 60));
        // The indexer never acknowledges the next batch (this receiver then drops its events):
        // resent after the ack timeout.
        hec.faults().loseAckNext(1);
        write(journal, clock, 60, 80, ids);
        assertTrue(await(Duration.ofSeconds(30), () -> cursor.lastShippedSequence() == 140));
        assertTrue(shipper.stats().retried() >= 2, "both faults forced a resend");
      }
      Map<String, Integer> received = hec.receivedEventIds();
      assertEquals(ids, received.keySet(), "none lost");
      int duplicates = report("lost-reply+lost-ack", 140, received);
      assertTrue(duplicates > 0 && duplicates <= 20, "one batch at most: " + duplicates);
    }
  }

  private static void write(
      FileJournal journal, MutableClock clock, int from, int n, Set<String> ids) throws Exception {
    for (int i = from; i < from + n; i++) {
      var e = TestEvents.event(clock, i);
      journal.append(e);
      ids.add(e.eventId());
    }
  }
}
