package dev.agentbroker.audit.hec;

import static dev.agentbroker.audit.hec.HecFixtures.TOKEN;
import static dev.agentbroker.audit.hec.HecFixtures.await;
import static dev.agentbroker.audit.hec.HecFixtures.fast;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.audit.FileJournal;
import dev.agentbroker.audit.JournalConfig;
import dev.agentbroker.audit.MutableClock;
import dev.agentbroker.audit.ShippingCursor;
import dev.agentbroker.audit.TestEvents;
import dev.agentbroker.testkit.hec.HecReceiver;
import dev.agentbroker.testkit.hec.HecReceiverSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HEC over HTTPS (threat model HEC-S1): the configured trust store is what the shipper trusts, and
 * a receiver it cannot authenticate gets no event and moves no cursor. The receiver is the testkit
 * HEC simulator behind TLS with a leaf from a throwaway CA.
 */
class HecTlsTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String STORE_PASSWORD = "trust-store-pw-7d1c";

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2025-06-01T12:00:00.042Z"));
  private final List<String> retryErrors = new CopyOnWriteArrayList<>();
  private final HecListener listener =
      new HecListener() {
        @Override
        public void retrying(String error, int attempt, Duration delay) {
          retryErrors.add(error);
        }
      };
  private TestCa ca;
  private FileJournal journal;
  private ShippingCursor cursor;
  private HecReceiver hec;
  private HecShipper shipper;

  @BeforeEach
  void open() throws Exception {
    ca = new TestCa("hec-test CA");
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

  private HecConfig.Builder config(Path trustStore) {
    HecConfig.Builder b = fast(hec.baseUri()).ack(true, UUID.randomUUID());
    return trustStore == null ? b : b.trustStore(trustStore, STORE_PASSWORD, "PKCS12");
  }

  @Test
  void configuredTrustStoreShipsAndAcksOverHttps() throws Exception {
    hec =
        HecReceiver.startTls(
            HecReceiverSettings.of(TOKEN).withAcks(true), ca.serverContext("127.0.0.1"));
    assertEquals("https", hec.baseUri().getScheme());
    Path store = ca.writeTrustStore(dir.resolve("hec-trust.p12"), STORE_PASSWORD);
    Set<String> ids = write(40);

    shipper = HecShipper.start(config(store).build(), journal, cursor, clock, listener);

    assertTrue(
        await(WAIT, () -> cursor.lastShippedSequence() == 40 && shipper.stats().shipped() == 40),
        () -> "not shipped over TLS: " + shipper.stats());
    assertEquals(ids, hec.receivedEventIds().keySet());
    assertTrue(shipper.stats().healthy());
    assertEquals(List.of(), retryErrors, "no failed attempt on the way");
    // Acks on: the cursor moved only after /ack answered true, over the same TLS connection setup.
    assertTrue(
        hec.requests().stream().anyMatch(r -> r.path().endsWith("/ack")),
        () -> "no ack poll seen: " + hec.requests());
  }

  @Test
  void withoutATrustStoreTheSelfSignedReceiverIsRefusedAndNothingIsMarkedShipped()
      throws Exception {
    hec =
        HecReceiver.startTls(
            HecReceiverSettings.of(TOKEN).withAcks(true), ca.serverContext("127.0.0.1"));
    Set<String> ids = write(10);

    shipper = HecShipper.start(config(null).build(), journal, cursor, clock, listener);
    assertRefusedByTls("PKIX");

    // The events were held, not dropped: the right trust store delivers all of them.
    shipper.close();
    Path store = ca.writeTrustStore(dir.resolve("hec-trust.p12"), STORE_PASSWORD);
    shipper = HecShipper.start(config(store).build(), journal, cursor, clock, null);
    assertTrue(await(WAIT, () -> cursor.lastShippedSequence() == 10));
    assertEquals(ids, hec.receivedEventIds().keySet());
  }

  @Test
  void aTrustStoreWithAnotherCaIsRefused() throws Exception {
    hec =
        HecReceiver.startTls(
            HecReceiverSettings.of(TOKEN).withAcks(true), ca.serverContext("127.0.0.1"));
    Path wrong =
        new TestCa("some other CA").writeTrustStore(dir.resolve("other.p12"), STORE_PASSWORD);
    write(10);

    shipper = HecShipper.start(config(wrong).build(), journal, cursor, clock, listener);
    assertRefusedByTls("PKIX");
  }

  @Test
  void theRightCaForTheWrongNameIsRefused() throws Exception {
    // Trust alone is not enough: the leaf must name the host in the URL (hostname verification).
    hec =
        HecReceiver.startTls(
            HecReceiverSettings.of(TOKEN).withAcks(true), ca.serverContext("127.0.0.2"));
    Path store = ca.writeTrustStore(dir.resolve("hec-trust.p12"), STORE_PASSWORD);
    write(10);

    shipper = HecShipper.start(config(store).build(), journal, cursor, clock, listener);
    assertRefusedByTls("127.0.0.1");
  }

  @Test
  void anUnreadableTrustStoreStopsStartWithoutShowingThePassword() throws Exception {
    hec = HecReceiver.startTls(HecReceiverSettings.of(TOKEN), ca.serverContext("127.0.0.1"));
    Path store = ca.writeTrustStore(dir.resolve("hec-trust.p12"), "a-different-password");
    write(1);

    IOException e =
        assertThrows(
            IOException.class,
            () -> HecShipper.start(config(store).build(), journal, cursor, clock, listener));
    assertFalse(String.valueOf(e.getMessage()).contains(STORE_PASSWORD), e.getMessage());
    IOException missing =
        assertThrows(
            IOException.class,
            () ->
                HecShipper.start(
                    config(dir.resolve("absent.p12")).build(), journal, cursor, clock, listener));
    assertTrue(String.valueOf(missing.getMessage()).contains("absent.p12"), missing.getMessage());
    assertEquals(0, cursor.lastShippedSequence());
    assertEquals(0, hec.requests().size());
  }

  /**
   * Several attempts failed with a TLS handshake error naming {@code detail}, the receiver saw no
   * request, and neither the cursor (also as re-read from disk) nor the counters moved.
   */
  private void assertRefusedByTls(String detail) throws Exception {
    assertTrue(
        await(WAIT, () -> shipper.stats().failed() >= 2 && retryErrors.size() >= 2),
        () -> "no failed attempts: " + shipper.stats());
    HecStats s = shipper.stats();
    assertFalse(s.healthy());
    assertEquals(0, s.shipped());
    assertEquals(0, s.lastShippedSequence());
    String error = String.valueOf(s.lastError());
    assertTrue(error.contains("SSLHandshakeException"), error);
    assertTrue(error.contains(detail), error);
    assertTrue(
        retryErrors.stream().allMatch(r -> r.contains("SSLHandshakeException")),
        retryErrors::toString);
    assertFalse(error.contains(TOKEN), "token-free");
    assertEquals(0, hec.receivedCount());
    assertEquals(0, hec.requests().size(), "no request got past the handshake");
    assertEquals(0, cursor.lastShippedSequence());
    assertEquals(0, ShippingCursor.open(dir.resolve("cursor.json")).lastShippedSequence());
  }
}
