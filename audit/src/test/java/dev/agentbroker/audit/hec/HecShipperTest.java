package dev.agentbroker.audit.hec;

import static dev.agentbroker.audit.hec.HecFixtures.TOKEN;
import static dev.agentbroker.audit.hec.HecFixtures.await;
import static dev.agentbroker.audit.hec.HecFixtures.fast;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentbroker.audit.FileJournal;
import dev.agentbroker.audit.JournalConfig;
import dev.agentbroker.audit.MutableClock;
import dev.agentbroker.audit.ShippingCursor;
import dev.agentbroker.audit.TestEvents;
import dev.agentbroker.testkit.hec.HecReceiver;
import dev.agentbroker.testkit.hec.HecReceiverSettings;
import dev.agentbroker.testkit.hec.HecRequest;
import dev.agentbroker.testkit.hec.ReceivedEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HecShipperTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2025-06-01T12:00:00.042Z"));
  private FileJournal journal;
  private ShippingCursor cursor;
  private HecReceiver hec;
  private HecShipper shipper;

  @BeforeEach
  void open() throws Exception {
    journal = FileJournal.open(JournalConfig.defaults(dir.resolve("journal")), clock);
    cursor = ShippingCursor.open(dir.resolve("cursor.json"));
  }

  @AfterEach
  void close() {
    if (shipper != null) {
      shipper.close();
    }
    if (hec != null) {
      hec.close();
    }
    journal.close();
  }

  private Set<String> write(int n) throws Exception {
    return HecFixtures.append(
        journal, IntStream.range(0, n).mapToObj(i -> TestEvents.event(clock, i)).toList());
  }

  private boolean allArrived(Set<String> ids) {
    return hec.receivedEventIds().keySet().containsAll(ids);
  }

  @Test
  void shipsEveryEventInAnEnvelopeAndCommitsTheCursor() throws Exception {
    hec = HecReceiver.start(HecReceiverSettings.of(TOKEN));
    Set<String> ids = write(250);
    shipper = HecShipper.start(fast(hec.baseUri()).build(), journal, cursor, clock, null);
    // The cursor is committed before the stats counter moves: wait for both.
    assertTrue(
        await(WAIT, () -> cursor.lastShippedSequence() == 250 && shipper.stats().shipped() == 250));
    assertEquals(ids, hec.receivedEventIds().keySet());

    ReceivedEvent first = hec.received().get(0);
    assertEquals("github:broker:audit", first.sourcetype());
    assertEquals("audit", first.index());
    assertEquals("broker-1", first.host());
    assertEquals("agent-broker", first.source());
    assertEquals("1748779200.042", first.time());
    JsonNode event = first.event();
    assertEquals(1, event.get("seq").asLong());
    assertEquals(64, event.get("hash").asText().length());
    assertEquals("0".repeat(64), event.get("prev_hash").asText());
    assertEquals("token.issue", event.get("action").asText());

    List<HecRequest> posts = hec.requests();
    assertTrue(posts.stream().allMatch(HecRequest::gzip), "gzip by default");
    assertTrue(posts.stream().allMatch(r -> r.events() <= 100), "count limit");
    HecStats s = shipper.stats();
    assertEquals(250, s.shipped());
    assertEquals(0, s.backlogEvents());
    assertEquals(Duration.ZERO, s.oldestUnshippedAge());
    assertTrue(s.healthy());
  }

  @Test
  void limitsBatchesBySerializedBytesAndSplitsOn413() throws Exception {
    hec = HecReceiver.start(HecReceiverSettings.of(TOKEN).withMaxContentLength(5_000));
    Set<String> ids = write(60);
    HecConfig config = fast(hec.baseUri()).gzip(false).maxBatchBytes(4_000).build();
    shipper = HecShipper.start(config, journal, cursor, clock, null);
    assertTrue(await(WAIT, () -> cursor.lastShippedSequence() == 60));
    assertEquals(ids, hec.receivedEventIds().keySet());
    List<HecRequest> posts = hec.requests();
    assertTrue(posts.size() >= 10, "many small batches: " + posts.size());
    assertTrue(posts.stream().allMatch(r -> r.bodyBytes() <= 4_000), "bytes limit");

    // A receiver limit below ours: the shipper halves the batch instead of failing it.
    shipper.close();
    hec.clear();
    Set<String> more = write(60);
    HecConfig big = fast(hec.baseUri()).gzip(false).maxBatchBytes(1_000_000).build();
    shipper = HecShipper.start(big, journal, cursor, clock, null);
    assertTrue(await(WAIT, () -> cursor.lastShippedSequence() == 120));
    assertTrue(allArrived(more));
    assertTrue(hec.requests().stream().anyMatch(r -> r.status() == 413));
    assertFalse(shipper.stats().permanentFailure());
  }

  @Test
  void retriesBusyAndDroppedConnectionsWithoutLoss() throws Exception {
    hec = HecReceiver.start(HecReceiverSettings.of(TOKEN));
    hec.faults().busyNext(3).dropNext(2).dropAfterRecordNext(2);
    List<String> retries = new CopyOnWriteArrayList<>();
    HecListener listener =
        new HecListener() {
          @Override
          public void retrying(String error, int attempt, Duration delay) {
            retries.add(error);
          }
        };
    Set<String> ids = write(300);
    shipper = HecShipper.start(fast(hec.baseUri()).build(), journal, cursor, clock, listener);
    assertTrue(await(WAIT, () -> cursor.lastShippedSequence() == 300));
    assertTrue(allArrived(ids));
    HecStats s = shipper.stats();
    assertEquals(7, s.retried());
    assertEquals(7, s.failed());
    assertTrue(
        retries.stream().anyMatch(e -> e.contains("code 9: Server is busy")), retries.toString());
    assertTrue(retries.stream().anyMatch(e -> e.startsWith("I/O error")), retries.toString());
    assertTrue(
        hec.receivedEventIds().values().stream().anyMatch(n -> n > 1),
        "dropped-after-record batches come twice, with the same event_id");
    assertTrue(s.healthy());
  }

  @Test
  void permanentErrorHoldsShippingWithoutDroppingAndResumesOnceFixed() throws Exception {
    hec = HecReceiver.start(HecReceiverSettings.of(TOKEN));
    hec.faults().invalidDataNext(3);
    List<String> permanent = new CopyOnWriteArrayList<>();
    List<Boolean> recovered = new CopyOnWriteArrayList<>();
    HecListener listener =
        new HecListener() {
          @Override
          public void permanentFailure(String error) {
            permanent.add(error);
          }

          @Override
          public void recovered() {
            recovered.add(true);
          }
        };
    Set<String> ids = write(20);
    shipper = HecShipper.start(fast(hec.baseUri()).build(), journal, cursor, clock, listener);
    assertTrue(await(WAIT, () -> cursor.lastShippedSequence() == 20));
    assertEquals(3, permanent.size());
    assertTrue(permanent.get(0).contains("HTTP 400 code 6"), permanent.get(0));
    assertTrue(permanent.get(0).contains("invalid-event-number 0"), permanent.get(0));
    assertEquals(1, recovered.size());
    assertTrue(allArrived(ids));
    assertFalse(shipper.stats().permanentFailure());
  }

  @Test
  void wrongTokenIsPermanentAndNothingMovesUntilTheOperatorFixesIt() throws Exception {
    hec = HecReceiver.start(HecReceiverSettings.of(TOKEN));
    Set<String> ids = write(10);
    HecConfig wrong =
        HecConfig.builder(hec.baseUri(), "wrong-token-value")
            .pollInterval(Duration.ofMillis(5))
            .maxBatchDelay(Duration.ofMillis(5))
            .permanentFailureRetry(Duration.ofMillis(20))
            .build();
    shipper = HecShipper.start(wrong, journal, cursor, clock, null);
    assertTrue(await(WAIT, () -> shipper.stats().permanentFailure()));
    HecStats s = shipper.stats();
    assertFalse(s.healthy());
    assertEquals(10, s.backlogEvents());
    assertTrue(s.lastError().contains("HTTP 403 code 4: Invalid token"), s.lastError());
    assertEquals(0, cursor.lastShippedSequence());
    assertEquals(0, hec.receivedCount());
    shipper.close();

    shipper = HecShipper.start(fast(hec.baseUri()).build(), journal, cursor, clock, null);
    assertTrue(await(WAIT, () -> cursor.lastShippedSequence() == 10));
    assertEquals(ids, hec.receivedEventIds().keySet());
  }

  @Test
  void withAcksTheCursorWaitsForTheAckAndLostAcksAreResent() throws Exception {
    hec = HecReceiver.start(HecReceiverSettings.of(TOKEN).withAcks(true));
    hec.faults().loseAckNext(1);
    Set<String> ids = write(50);
    HecConfig config = fast(hec.baseUri()).ack(true, null).build();
    shipper = HecShipper.start(config, journal, cursor, clock, null);
    assertTrue(await(WAIT, () -> cursor.lastShippedSequence() == 50));
    assertTrue(allArrived(ids), "the batch whose ack never came was resent");
    assertTrue(shipper.stats().retried() >= 1);
    Set<String> channels =
        hec.requests().stream().map(HecRequest::channel).collect(Collectors.toSet());
    assertEquals(Set.of(config.channel().toString()), channels);
    assertTrue(hec.requests().stream().anyMatch(r -> r.path().endsWith("/ack")));
  }

  @Test
  void statsReportBacklogBytesAndOldestAgeByTheInjectedClock() throws Exception {
    hec = HecReceiver.start(HecReceiverSettings.of(TOKEN));
    hec.faults().downFor(Duration.ofMinutes(5));
    write(10);
    shipper = HecShipper.start(fast(hec.baseUri()).build(), journal, cursor, clock, null);
    assertTrue(await(WAIT, () -> shipper.stats().failed() > 0));
    clock.advance(Duration.ofSeconds(90));
    HecStats s = shipper.stats();
    assertEquals(10, s.backlogEvents());
    assertTrue(s.backlogBytes() > 10 * 300, "estimated from envelope sizes: " + s.backlogBytes());
    assertEquals(Duration.ofSeconds(90), s.oldestUnshippedAge());
    assertFalse(s.healthy());
    assertFalse(s.permanentFailure(), "an outage is transient");
    assertFalse(shipper.checkHealth().healthy());

    hec.faults().clear();
    assertTrue(await(WAIT, () -> shipper.stats().backlogEvents() == 0));
    assertEquals(Duration.ZERO, shipper.stats().oldestUnshippedAge());
    HecHealth health = shipper.checkHealth();
    assertTrue(health.healthy());
    assertEquals(17, health.code());
    assertEquals("HEC is healthy", health.text());
  }

  @Test
  void continuesTailingTheLiveJournal() throws Exception {
    hec = HecReceiver.start(HecReceiverSettings.of(TOKEN));
    shipper = HecShipper.start(fast(hec.baseUri()).build(), journal, cursor, clock, null);
    Set<String> all = new HashSet<>();
    for (int round = 0; round < 3; round++) {
      all.addAll(write(15));
      long expected = all.size();
      assertTrue(
          await(
              WAIT,
              () ->
                  cursor.lastShippedSequence() == expected
                      && shipper.stats().shipped() == expected));
      assertTrue(allArrived(all));
    }
    assertEquals(45, shipper.stats().shipped());
  }
}
