package dev.agentbroker.audit.hec;

import static dev.agentbroker.audit.hec.HecFixtures.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HEC token must never reach logs, errors, stats, listener texts or toString. */
class NoSecretsTest {
  private static final String SECRET = "c0ffee00-dead-beef-0000-secret-token";
  @TempDir Path dir;

  @Test
  void tokenAndTrustStorePasswordNeverLeak() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    Logger jul = Logger.getLogger("dev.agentbroker.audit.hec");
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            seen.add(
                r.getMessage()
                    + " "
                    + java.util.Arrays.toString(r.getParameters())
                    + r.getThrown());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    jul.addHandler(capture);
    MutableClock clock = new MutableClock(Instant.now());
    HecListener listener =
        new HecListener() {
          @Override
          public void retrying(String error, int attempt, Duration delay) {
            seen.add(error);
          }

          @Override
          public void permanentFailure(String error) {
            seen.add(error);
          }
        };
    // The receiver expects a different token, so every send is a 403 "Invalid token".
    try (HecReceiver hec = HecReceiver.start(HecReceiverSettings.of("the-right-one"));
        FileJournal journal = FileJournal.open(JournalConfig.defaults(dir.resolve("j")), clock)) {
      journal.append(TestEvents.event(clock, 1));
      HecConfig config =
          HecConfig.builder(hec.baseUri(), SECRET)
              .pollInterval(Duration.ofMillis(5))
              .maxBatchDelay(Duration.ofMillis(5))
              .permanentFailureRetry(Duration.ofMillis(20))
              .trustStore(null, "store-password-secret", "PKCS12")
              .build();
      seen.add(config.toString());
      try (HecShipper shipper =
          HecShipper.start(
              config, journal, ShippingCursor.open(dir.resolve("c")), clock, listener)) {
        assertTrue(await(Duration.ofSeconds(10), () -> shipper.stats().permanentFailure()));
        seen.add(shipper.stats().toString());
        seen.add(shipper.checkHealth().toString());
      }
      hec.faults().downFor(Duration.ofSeconds(30));
      try (HecShipper shipper =
          HecShipper.start(
              config, journal, ShippingCursor.open(dir.resolve("c")), clock, listener)) {
        assertTrue(await(Duration.ofSeconds(10), () -> shipper.stats().failed() > 0));
        seen.add(shipper.stats().toString());
      }
    } finally {
      jul.removeHandler(capture);
    }
    assertTrue(seen.stream().anyMatch(s -> s.contains("Invalid token")), seen.toString());
    assertTrue(seen.stream().anyMatch(s -> s.contains("<redacted>")), seen.toString());
    for (String s : seen) {
      assertFalse(s.contains(SECRET), s);
      assertFalse(s.contains("store-password-secret"), s);
    }
  }
}
