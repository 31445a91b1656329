package dev.agentbroker.audit.hec;

import static dev.agentbroker.audit.hec.HecFixtures.TOKEN;
import static dev.agentbroker.audit.hec.HecFixtures.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.audit.FileJournal;
import dev.agentbroker.audit.JournalConfig;
import dev.agentbroker.audit.JournalReader;
import dev.agentbroker.audit.JournalRecord;
import dev.agentbroker.audit.JournalVerifier;
import dev.agentbroker.audit.ShippingCursor;
import dev.agentbroker.audit.VerifyResult;
import dev.agentbroker.testkit.hec.HecReceiver;
import dev.agentbroker.testkit.hec.HecReceiverSettings;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL a writer+shipper process mid-stream: the journal still verifies, every append the child
 * saw return is on disk, and a new shipper resumes from the durable cursor and delivers every
 * event_id.
 */
class CrashTest {
  private static final int KILL_AFTER = 2_000;
  @TempDir Path dir;

  @Test
  void killDashNineLosesNothingThatWasAcknowledged() throws Exception {
    Path journalDir = dir.resolve("journal");
    Path cursorFile = dir.resolve("cursor.json");
    Map<Long, String> reported = new ConcurrentHashMap<>();
    try (HecReceiver hec = HecReceiver.start(HecReceiverSettings.of(TOKEN))) {
      Process child =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  CrashWriterMain.class.getName(),
                  journalDir.toString(),
                  cursorFile.toString(),
                  hec.baseUri().toString(),
                  TOKEN)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      Thread pump = new Thread(() -> readLines(child, reported), "crash-child-stdout");
      pump.start();
      try {
        assertTrue(
            await(Duration.ofSeconds(30), () -> reported.size() >= KILL_AFTER),
            "child reported only " + reported.size());
      } finally {
        child.destroyForcibly();
        assertTrue(child.waitFor(10, TimeUnit.SECONDS));
        pump.join(10_000);
      }
      assertEquals(137, child.exitValue(), "killed by SIGKILL, not a clean exit");

      long resumeFrom = ShippingCursor.open(cursorFile).lastShippedSequence();
      assertTrue(resumeFrom > 0, "the child had shipped something before it died");

      Clock clock = Clock.systemUTC();
      try (FileJournal journal = FileJournal.open(JournalConfig.defaults(journalDir), clock)) {
        VerifyResult verified = JournalVerifier.verify(journalDir);
        assertTrue(verified.ok(), verified.firstProblem().orElse(""));
        Map<Long, String> onDisk = readAll(journal);
        reported.forEach(
            (seq, id) -> assertEquals(id, onDisk.get(seq), "acknowledged seq " + seq + " lost"));

        AtomicLong firstShipped = new AtomicLong(-1);
        HecListener listener =
            new HecListener() {
              @Override
              public void batchShipped(long first, long last, int events, int attempts) {
                firstShipped.compareAndSet(-1, first);
              }
            };
        ShippingCursor cursor = ShippingCursor.open(cursorFile);
        try (HecShipper shipper =
            HecShipper.start(
                HecFixtures.fast(hec.baseUri()).build(), journal, cursor, clock, listener)) {
          assertTrue(
              await(
                  Duration.ofSeconds(30),
                  () -> hec.receivedEventIds().keySet().containsAll(onDisk.values())),
              "every journaled event reaches HEC");
          assertTrue(await(Duration.ofSeconds(10), () -> shipper.stats().backlogEvents() == 0));
        }
        assertEquals(resumeFrom + 1, firstShipped.get(), "resumed right after the cursor");
        DeliveryDuplicatesTest.report("sigkill", onDisk.size(), hec.receivedEventIds());
      }
    }
  }

  private static void readLines(Process child, Map<Long, String> reported) {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] parts = line.split(" ");
        if (parts.length == 2) {
          reported.put(Long.parseLong(parts[0]), parts[1]);
        }
      }
    } catch (java.io.IOException e) {
      // The pipe closes when the child dies; lines read so far are what counts.
    }
  }

  private static Map<Long, String> readAll(FileJournal journal) throws Exception {
    Map<Long, String> all = new HashMap<>();
    try (JournalReader reader = journal.reader(1)) {
      for (Optional<JournalRecord> r = reader.next(); r.isPresent(); r = reader.next()) {
        all.put(r.get().sequence(), r.get().event().eventId());
      }
    }
    return all;
  }
}
