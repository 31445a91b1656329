package dev.agentbroker.audit;

import static dev.agentbroker.audit.TestEvents.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FileJournal#appendAsync} on a real directory; fault cases are in AsyncFaultInjectionTest.
 */
class FileJournalAsyncTest {
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.now());

  private static void assertVerifies(Path dir, long events) throws Exception {
    VerifyResult result = JournalVerifier.verify(dir);
    assertTrue(result.ok(), result.firstProblem().orElse(""));
    assertEquals(events, result.eventsChecked());
  }

  /** Which test event a record holds: {@link TestEvents#event} puts its number in the reason. */
  private static int eventNumber(JournalRecord record) {
    return Integer.parseInt(record.event().reason().substring("reason-number-".length()));
  }

  @Test
  void concurrentAsyncAppendsCompleteOnceInOneChainWithInterleavedSyncAppends() throws Exception {
    int asyncThreads = 8;
    int perThread = 2_000;
    int syncThreads = 2;
    int perSyncThread = 100;
    int asyncTotal = asyncThreads * perThread;
    int total = asyncTotal + syncThreads * perSyncThread;
    AtomicIntegerArray calls = new AtomicIntegerArray(total);
    ConcurrentHashMap<Integer, Appended> results = new ConcurrentHashMap<>();
    ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    CountDownLatch asyncDone = new CountDownLatch(asyncTotal);
    // Room for every event (BACKLOG_FULL has its own test); 1 MiB segments so batches rotate.
    JournalConfig config = new JournalConfig(dir, 1 << 20, total, Duration.ofSeconds(30));
    try (FileJournal journal = FileJournal.open(config, clock)) {
      ExecutorService pool = Executors.newFixedThreadPool(asyncThreads + syncThreads);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < asyncThreads; t++) {
        int base = t * perThread;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perThread; i++) {
                    int n = base + i;
                    journal.appendAsync(
                        event(clock, n),
                        (appended, failure) -> {
                          if ((appended == null) == (failure == null)) {
                            problems.add(n + ": not exactly one argument non-null");
                          } else if (failure != null) {
                            problems.add(n + ": " + failure.getMessage());
                          } else {
                            results.put(n, appended);
                          }
                          calls.incrementAndGet(n);
                          asyncDone.countDown();
                        });
                  }
                  return null;
                }));
      }
      for (int t = 0; t < syncThreads; t++) {
        int base = asyncTotal + t * perSyncThread;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perSyncThread; i++) {
                    results.put(base + i, journal.append(event(clock, base + i)));
                    calls.incrementAndGet(base + i);
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();
      assertTrue(asyncDone.await(60, TimeUnit.SECONDS), "callbacks missing");
      assertEquals(List.of(), List.copyOf(problems));
      JournalStats stats = journal.stats();
      assertEquals(total, stats.appended());
      assertEquals(0, stats.failed());
      assertEquals(0, stats.callbackErrors());
      assertEquals(total, stats.lastSequence());
      assertTrue(stats.healthy());
    }
    // After close every callback has run, so a second call would show here.
    for (int n = 0; n < total; n++) {
      assertEquals(1, calls.get(n), "calls for event " + n);
    }
    long[] seqs = results.values().stream().mapToLong(Appended::sequence).sorted().toArray();
    assertEquals(total, seqs.length);
    for (int i = 0; i < total; i++) {
      assertEquals(i + 1, seqs[i]);
    }
    // Each caller was told the position and hash of its own event, not just some position.
    try (JournalReader reader = JournalReader.open(dir, 1)) {
      int read = 0;
      for (Optional<JournalRecord> r = reader.next(); r.isPresent(); r = reader.next()) {
        Appended told = results.get(eventNumber(r.get()));
        assertEquals(r.get().sequence(), told.sequence());
        assertEquals(r.get().hash(), told.hash());
        read++;
      }
      assertEquals(total, read);
    }
    assertTrue(TestEvents.segmentFiles(dir).size() > 1, "expected rotation");
    assertVerifies(dir, total);
  }

  @Test
  void commitLingerTurnsManyAsyncAppendsIntoFewFsyncs() throws Exception {
    int threads = 4;
    int perThread = 250;
    int total = threads * perThread;
    CountDownLatch done = new CountDownLatch(total);
    ConcurrentLinkedQueue<AuditUnavailableException> failures = new ConcurrentLinkedQueue<>();
    JournalConfig config = JournalConfig.defaults(dir).withCommitLinger(Duration.ofMillis(50));
    try (FileJournal journal = FileJournal.open(config, clock)) {
      List<Thread> producers = new ArrayList<>();
      CountDownLatch start = new CountDownLatch(1);
      for (int t = 0; t < threads; t++) {
        int base = t * perThread;
        Thread producer =
            new Thread(
                () -> {
                  awaitQuietly(start);
                  for (int i = 0; i < perThread; i++) {
                    journal.appendAsync(
                        event(clock, base + i),
                        (appended, failure) -> {
                          if (failure != null) {
                            failures.add(failure);
                          }
                          done.countDown();
                        });
                    // A steady stream (~4 000/s in all) rather than one burst, which group
                    // commit batches anyway: without the linger this took ~300 fsyncs here.
                    LockSupport.parkNanos(1_000_000);
                  }
                });
        producers.add(producer);
        producer.start();
      }
      start.countDown();
      assertTrue(done.await(60, TimeUnit.SECONDS), "callbacks missing");
      for (Thread producer : producers) {
        producer.join();
      }
      assertEquals(List.of(), List.copyOf(failures));
      JournalStats stats = journal.stats();
      assertEquals(total, stats.appended());
      assertTrue(
          stats.fsyncs() < total / 10,
          "expected the linger to batch, got " + stats.fsyncs() + " fsyncs for " + total);
    }
    assertVerifies(dir, total);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void commitLingerDefaultsToZeroAndMustBeShorterThanTheAppendTimeout() {
    assertEquals(Duration.ZERO, JournalConfig.defaults(dir).commitLinger());
    assertEquals(Duration.ZERO, new JournalConfig(dir, 1, 1, Duration.ofSeconds(1)).commitLinger());
    JournalConfig lingering = JournalConfig.defaults(dir).withCommitLinger(Duration.ofMillis(5));
    assertEquals(Duration.ofMillis(5), lingering.commitLinger());
    assertEquals(JournalConfig.DEFAULT_MAX_PENDING, lingering.maxPending());
    assertEquals(JournalConfig.DEFAULT_APPEND_TIMEOUT, lingering.appendTimeout());
    assertThrows(
        IllegalArgumentException.class,
        () -> JournalConfig.defaults(dir).withCommitLinger(Duration.ofMillis(-1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> JournalConfig.defaults(dir).withCommitLinger(JournalConfig.DEFAULT_APPEND_TIMEOUT));
  }

  @Test
  void callbackMayAppendAsyncButASynchronousAppendFailsFast() throws Exception {
    AtomicReference<Throwable> syncAttempt = new AtomicReference<>();
    AtomicReference<Appended> nested = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    try (FileJournal journal = FileJournal.open(JournalConfig.defaults(dir), clock)) {
      journal.appendAsync(
          event(clock, 1),
          (appended, failure) -> {
            try {
              journal.append(event(clock, 2));
            } catch (AuditUnavailableException | RuntimeException e) {
              syncAttempt.set(e);
            }
            journal.appendAsync(
                event(clock, 3),
                (a, f) -> {
                  nested.set(a);
                  done.countDown();
                });
          });
      assertTrue(done.await(10, TimeUnit.SECONDS));
      // Without the guard the writer would wait for itself until appendTimeout, then TIMEOUT.
      assertInstanceOf(IllegalStateException.class, syncAttempt.get());
      assertEquals(2, nested.get().sequence());
      assertEquals(0, journal.stats().callbackErrors());
    }
    assertVerifies(dir, 2);
  }

  @Test
  void closeFromACallbackReleasesTheJournalOnceTheQueueIsWritten() throws Exception {
    AtomicReference<AuditUnavailableException> afterClose = new AtomicReference<>();
    FileJournal journal = FileJournal.open(JournalConfig.defaults(dir), clock);
    journal.appendAsync(
        event(clock, 1),
        (appended, failure) -> {
          journal.close();
          journal.appendAsync(event(clock, 2), (a, f) -> afterClose.set(f));
        });
    // Waits for the writer to finish; before it released the files itself, the close on the
    // writer thread left them open and the reopen below failed with "already open".
    journal.close();
    assertEquals(AuditUnavailableException.Reason.CLOSED, afterClose.get().reason());
    try (FileJournal reopened = FileJournal.open(JournalConfig.defaults(dir), clock)) {
      assertEquals(1, reopened.stats().lastSequence());
    }
    assertVerifies(dir, 1);
  }

  @Test
  void appendAsyncAfterCloseCallsBackWithClosedOnTheCallingThread() throws Exception {
    FileJournal journal = FileJournal.open(JournalConfig.defaults(dir), clock);
    journal.close();
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    AtomicReference<AuditUnavailableException> failure = new AtomicReference<>();
    AtomicReference<Appended> appended = new AtomicReference<>();
    journal.appendAsync(
        event(clock, 1),
        (a, f) -> {
          ranOn.set(Thread.currentThread());
          appended.set(a);
          failure.set(f);
        });
    assertEquals(Thread.currentThread(), ranOn.get());
    assertNull(appended.get());
    assertEquals(AuditUnavailableException.Reason.CLOSED, failure.get().reason());
    assertEquals(1, journal.stats().failed());
  }
}
