package dev.agentbroker.audit.internal;

import static dev.agentbroker.audit.TestEvents.event;
import static dev.agentbroker.audit.TestEvents.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.audit.Appended;
import dev.agentbroker.audit.AuditUnavailableException;
import dev.agentbroker.audit.AuditUnavailableException.Reason;
import dev.agentbroker.audit.FileJournal;
import dev.agentbroker.audit.JournalConfig;
import dev.agentbroker.audit.JournalVerifier;
import dev.agentbroker.audit.MutableClock;
import dev.agentbroker.audit.VerifyResult;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FaultInjectionTest {
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2025-06-01T00:00:00Z"));
  private final FaultyChannel.Faults faults = new FaultyChannel.Faults();
  private final ChannelOpener opener =
      (path, options) -> new FaultyChannel(FileChannel.open(path, options), faults);

  private JournalEngine open(int maxPending, Duration timeout) throws Exception {
    return JournalEngine.open(new JournalConfig(dir, 1 << 20, maxPending, timeout), clock, opener);
  }

  private Path segment() {
    return dir.resolve(Segments.fileName(1));
  }

  private static void assertVerifies(Path dir, long events) throws Exception {
    VerifyResult result = JournalVerifier.verify(dir);
    assertTrue(result.ok(), result.firstProblem().orElse(""));
    assertEquals(events, result.eventsChecked());
  }

  @Test
  void shortWriteFailsWithIoErrorAndLeavesNothingHalfWritten() throws Exception {
    try (JournalEngine journal = open(100, Duration.ofSeconds(5))) {
      journal.append(event(clock, 1));
      journal.append(event(clock, 2));
      long durableSize = Files.size(segment());

      faults.shortWriteThenFail = true;
      AuditUnavailableException ex =
          assertThrows(AuditUnavailableException.class, () -> journal.append(event(clock, 3)));
      assertEquals(Reason.IO_ERROR, ex.reason());
      assertEquals(durableSize, Files.size(segment()));
      assertEquals(2, lines(segment()).size());
      assertFalse(journal.stats().healthy());
      assertEquals(2, journal.stats().lastSequence());
      assertTrue(journal.stats().lastError().contains("No space left on device"));

      faults.clear();
      assertEquals(3, journal.append(event(clock, 4)).sequence());
      assertTrue(journal.stats().healthy());
      assertEquals(1, journal.stats().failed());
    }
    assertVerifies(dir, 3);
  }

  @Test
  void fsyncFailureRollsBackTheWrittenRecord() throws Exception {
    try (JournalEngine journal = open(100, Duration.ofSeconds(5))) {
      journal.append(event(clock, 1));
      faults.failNextForce = true;
      AuditUnavailableException ex =
          assertThrows(AuditUnavailableException.class, () -> journal.append(event(clock, 2)));
      assertEquals(Reason.IO_ERROR, ex.reason());
      assertEquals(1, lines(segment()).size());
      assertFalse(Files.readString(segment()).contains("reason-number-2"));
      assertTrue(journal.stats().lastError().contains("Input/output error"));
      assertEquals(2, journal.append(event(clock, 3)).sequence());
    }
    assertVerifies(dir, 2);
  }

  @Test
  void failedRollbackWedgesUntilReopenedAndReopenRepairs() throws Exception {
    try (JournalEngine journal = open(100, Duration.ofSeconds(5))) {
      journal.append(event(clock, 1));
      faults.shortWriteThenFail = true;
      faults.failTruncate = true;
      assertThrows(AuditUnavailableException.class, () -> journal.append(event(clock, 2)));
      faults.clear();
      AuditUnavailableException ex =
          assertThrows(AuditUnavailableException.class, () -> journal.append(event(clock, 3)));
      assertEquals(Reason.IO_ERROR, ex.reason());
      assertTrue(ex.getMessage().contains("wedged"));
      assertFalse(journal.stats().healthy());
    }
    try (FileJournal journal = FileJournal.open(JournalConfig.defaults(dir), clock)) {
      assertEquals(1, journal.stats().lastSequence());
      assertEquals(2, journal.append(event(clock, 4)).sequence());
    }
    assertVerifies(dir, 2);
  }

  @Test
  void backlogFullIsRejectedImmediately() throws Exception {
    faults.forceEntered = new CountDownLatch(1);
    faults.releaseForce = new CountDownLatch(1);
    try (JournalEngine journal = open(2, Duration.ofSeconds(30))) {
      CompletableFuture<Appended> first = appendAsync(journal, 1);
      assertTrue(faults.forceEntered.await(10, TimeUnit.SECONDS));
      CompletableFuture<Appended> second = appendAsync(journal, 2);
      CompletableFuture<Appended> third = appendAsync(journal, 3);
      while (journal.stats().pending() < 2) {
        Thread.onSpinWait();
      }
      AuditUnavailableException ex =
          assertThrows(AuditUnavailableException.class, () -> journal.append(event(clock, 4)));
      assertEquals(Reason.BACKLOG_FULL, ex.reason());

      faults.releaseForce.countDown();
      assertEquals(1, first.get(10, TimeUnit.SECONDS).sequence());
      long a = second.get(10, TimeUnit.SECONDS).sequence();
      long b = third.get(10, TimeUnit.SECONDS).sequence();
      assertEquals(5, a + b);
      assertEquals(1, journal.stats().failed());
    }
    assertVerifies(dir, 3);
  }

  @Test
  void timeoutOfAQueuedAppendMeansItIsNeverWritten() throws Exception {
    faults.forceEntered = new CountDownLatch(1);
    faults.releaseForce = new CountDownLatch(1);
    try (JournalEngine journal = open(100, Duration.ofMillis(200))) {
      AuditUnavailableException inFlight =
          assertThrows(AuditUnavailableException.class, () -> journal.append(event(clock, 1)));
      assertEquals(Reason.TIMEOUT, inFlight.reason());
      assertTrue(inFlight.getMessage().contains("may still be journaled"));

      AuditUnavailableException queued =
          assertThrows(AuditUnavailableException.class, () -> journal.append(event(clock, 2)));
      assertEquals(Reason.TIMEOUT, queued.reason());
      assertTrue(queued.getMessage().contains("was not journaled"));

      faults.releaseForce.countDown();
      faults.releaseForce = null;
      assertEquals(2, journal.append(event(clock, 3)).sequence());
    }
    String text = Files.readString(segment());
    assertFalse(text.contains("reason-number-2"));
    assertVerifies(dir, 2);
  }

  private CompletableFuture<Appended> appendAsync(JournalEngine journal, int n) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return journal.append(event(clock, n));
          } catch (AuditUnavailableException e) {
            throw new IllegalStateException(e);
          }
        },
        r -> new Thread(r).start());
  }
}
