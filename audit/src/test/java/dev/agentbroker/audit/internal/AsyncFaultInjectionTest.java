package dev.agentbroker.audit.internal;

import static dev.agentbroker.audit.TestEvents.allJournalText;
import static dev.agentbroker.audit.TestEvents.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.audit.AppendCallback;
import dev.agentbroker.audit.Appended;
import dev.agentbroker.audit.AuditUnavailableException;
import dev.agentbroker.audit.AuditUnavailableException.Reason;
import dev.agentbroker.audit.FileJournal;
import dev.agentbroker.audit.JournalConfig;
import dev.agentbroker.audit.JournalStats;
import dev.agentbroker.audit.JournalVerifier;
import dev.agentbroker.audit.MutableClock;
import dev.agentbroker.audit.VerifyResult;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Asynchronous appends under injected faults. The writer is held inside fsync (FaultyChannel's
 * forceEntered/releaseForce latches) so that what is queued, and which batch it lands in, is
 * deterministic.
 */
class AsyncFaultInjectionTest {
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2025-06-01T00:00:00Z"));
  private final FaultyChannel.Faults faults = new FaultyChannel.Faults();
  private final ChannelOpener opener =
      (path, options) -> new FaultyChannel(FileChannel.open(path, options), faults);

  private JournalEngine open(int maxPending) throws Exception {
    return JournalEngine.open(
        new JournalConfig(dir, 1 << 20, maxPending, Duration.ofSeconds(30)), clock, opener);
  }

  private static void assertVerifies(Path dir, long events) throws Exception {
    VerifyResult result = JournalVerifier.verify(dir);
    assertTrue(result.ok(), result.firstProblem().orElse(""));
    assertEquals(events, result.eventsChecked());
  }

  /** Holds the writer in the fsync of the next batch until {@code faults.releaseForce} opens. */
  private void holdNextFsync() {
    faults.forceEntered = new CountDownLatch(1);
    faults.releaseForce = new CountDownLatch(1);
  }

  private void awaitWriterHeld() throws InterruptedException {
    assertTrue(faults.forceEntered.await(10, TimeUnit.SECONDS), "writer never reached fsync");
  }

  /** Records what one asynchronous append was told, and on which thread. */
  private static final class Outcome implements AppendCallback {
    final CountDownLatch done = new CountDownLatch(1);
    final AtomicInteger calls = new AtomicInteger();
    volatile Appended appended;
    volatile AuditUnavailableException failure;
    volatile Thread thread;

    @Override
    public void done(Appended appended, AuditUnavailableException failure) {
      this.thread = Thread.currentThread();
      this.appended = appended;
      this.failure = failure;
      calls.incrementAndGet();
      done.countDown();
    }

    Outcome await() throws InterruptedException {
      assertTrue(done.await(10, TimeUnit.SECONDS), "callback did not run");
      return this;
    }

    long sequence() throws InterruptedException {
      await();
      assertNull(failure);
      return appended.sequence();
    }

    Reason reason() throws InterruptedException {
      await();
      assertNull(appended);
      return failure.reason();
    }
  }

  private static Outcome appendAsync(JournalEngine journal, MutableClock clock, int n) {
    Outcome outcome = new Outcome();
    journal.appendAsync(event(clock, n), outcome);
    return outcome;
  }

  @Test
  void backlogFullCallsBackOnTheCallingThreadBeforeReturning() throws Exception {
    holdNextFsync();
    try (JournalEngine journal = open(2)) {
      Outcome first = appendAsync(journal, clock, 1);
      awaitWriterHeld();
      Outcome second = appendAsync(journal, clock, 2);
      Outcome third = appendAsync(journal, clock, 3);
      assertEquals(2, journal.stats().pending());

      Outcome refused = appendAsync(journal, clock, 4);
      // No waiting: it must already have run, here.
      assertEquals(1, refused.calls.get());
      assertSame(Thread.currentThread(), refused.thread);
      assertEquals(Reason.BACKLOG_FULL, refused.reason());
      assertEquals(1, journal.stats().failed());
      assertEquals(0, first.calls.get());

      faults.releaseForce.countDown();
      assertEquals(1, first.sequence());
      assertEquals(2, second.sequence());
      assertEquals(3, third.sequence());
      assertEquals("audit-journal-writer", first.thread.getName());
      assertEquals(3, journal.stats().appended());
    }
    assertFalse(allJournalText(dir).contains("reason-number-4"));
    assertVerifies(dir, 3);
  }

  @Test
  void fsyncFailureFailsEveryCallbackOfTheBatchAndNoneOfItsEventsIsJournaled() throws Exception {
    holdNextFsync();
    try (JournalEngine journal = open(100)) {
      Outcome before = appendAsync(journal, clock, 0);
      awaitWriterHeld();
      // Queued while the writer is held, so they form the next batch; hold its fsync as well.
      Outcome[] batch = new Outcome[5];
      for (int i = 0; i < batch.length; i++) {
        batch[i] = appendAsync(journal, clock, i + 1);
      }
      CountDownLatch firstRelease = faults.releaseForce;
      holdNextFsync();
      firstRelease.countDown();
      assertEquals(1, before.sequence());

      awaitWriterHeld();
      faults.failNextForce = true;
      faults.releaseForce.countDown();
      for (Outcome o : batch) {
        assertEquals(Reason.IO_ERROR, o.reason());
        assertTrue(o.failure.getMessage().contains("Input/output error"));
        assertEquals(1, o.calls.get());
      }
      JournalStats stats = journal.stats();
      assertEquals(5, stats.failed());
      assertEquals(1, stats.appended());
      assertEquals(1, stats.lastSequence());
      assertFalse(stats.healthy());
      String text = allJournalText(dir);
      for (int n = 1; n <= 5; n++) {
        assertFalse(text.contains("\"reason-number-" + n + "\""), "event " + n + " journaled");
      }

      faults.releaseForce = null;
      assertEquals(2, appendAsync(journal, clock, 6).sequence());
      assertEquals(3, journal.append(event(clock, 7)).sequence());
      assertTrue(journal.stats().healthy());
    }
    assertVerifies(dir, 3);
  }

  @Test
  void throwingCallbackStopsNeitherItsBatchNorLaterAppends() throws Exception {
    holdNextFsync();
    try (JournalEngine journal = open(100)) {
      Outcome first = appendAsync(journal, clock, 1);
      awaitWriterHeld();
      journal.appendAsync(
          event(clock, 2),
          (appended, failure) -> {
            throw new IllegalStateException("callback text that must not reach lastError");
          });
      Outcome sameBatch = appendAsync(journal, clock, 3);
      faults.releaseForce.countDown();

      assertEquals(1, first.sequence());
      // Callbacks run in order, so the throwing one has run once this one has.
      assertEquals(3, sameBatch.sequence());
      assertEquals(4, journal.append(event(clock, 4)).sequence());
      assertEquals(5, appendAsync(journal, clock, 5).sequence());

      JournalStats stats = journal.stats();
      assertEquals(1, stats.callbackErrors());
      assertEquals(0, stats.failed());
      assertEquals(5, stats.appended());
      assertTrue(stats.healthy());
      assertTrue(stats.lastError().contains("IllegalStateException"), stats.lastError());
      assertFalse(stats.lastError().contains("callback text"));
    }
    // The thrower's event was durable before its callback ran; it stays in the chain.
    assertTrue(allJournalText(dir).contains("\"reason-number-2\""));
    assertVerifies(dir, 5);
  }

  @Test
  void closeWritesQueuedAsyncAppendsAndCompletesEveryCallbackBeforeReturning() throws Exception {
    holdNextFsync();
    JournalEngine journal = open(100);
    Outcome[] queued = new Outcome[10];
    queued[0] = appendAsync(journal, clock, 1);
    awaitWriterHeld();
    for (int i = 1; i < queued.length; i++) {
      queued[i] = appendAsync(journal, clock, i + 1);
    }
    Thread closer = new Thread(journal::close, "closer");
    closer.start();
    // healthy turns false as soon as close() has shut the door (no faults in this test).
    while (journal.stats().healthy()) {
      Thread.onSpinWait();
    }
    Outcome duringClose = appendAsync(journal, clock, 99);
    assertEquals(1, duringClose.calls.get());
    assertSame(Thread.currentThread(), duringClose.thread);
    assertEquals(Reason.CLOSED, duringClose.reason());
    assertTrue(closer.isAlive(), "close() returned while the writer was held");

    faults.releaseForce.countDown();
    closer.join(TimeUnit.SECONDS.toMillis(10));
    assertFalse(closer.isAlive());
    // No waiting: close() has returned, so every callback must already have run.
    for (int i = 0; i < queued.length; i++) {
      assertEquals(1, queued[i].calls.get(), "callback " + i);
      assertNotNull(queued[i].appended);
      assertEquals(i + 1, queued[i].appended.sequence());
    }
    assertEquals(Reason.CLOSED, appendAsync(journal, clock, 100).reason());
    assertEquals(2, journal.stats().failed());

    try (FileJournal reopened = FileJournal.open(JournalConfig.defaults(dir), clock)) {
      assertEquals(10, reopened.stats().lastSequence());
    }
    assertFalse(allJournalText(dir).contains("reason-number-99"));
    assertVerifies(dir, 10);
  }
}
