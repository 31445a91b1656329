package dev.agentbroker.audit;

import static dev.agentbroker.audit.TestEvents.event;
import static dev.agentbroker.audit.TestEvents.lines;
import static dev.agentbroker.audit.TestEvents.segmentFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileJournalTest {
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.now());

  private FileJournal open() throws IOException {
    return FileJournal.open(JournalConfig.defaults(dir), clock);
  }

  @Test
  void concurrentAppendsAreDurableContiguousAndGroupCommitted() throws Exception {
    int threads = 64;
    int perThread = 25;
    ConcurrentLinkedQueue<Appended> results = new ConcurrentLinkedQueue<>();
    try (FileJournal journal = open()) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new java.util.ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int base = t * perThread;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perThread; i++) {
                    results.add(journal.append(event(clock, base + i)));
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();
      JournalStats stats = journal.stats();
      int total = threads * perThread;
      assertEquals(total, stats.appended());
      assertEquals(total, stats.lastSequence());
      assertEquals(0, stats.failed());
      assertTrue(stats.healthy());
      assertTrue(
          stats.batches() < total, "expected group commit, got " + stats.batches() + " batches");
      assertEquals(stats.batches(), stats.fsyncs());
      long[] seqs = results.stream().mapToLong(Appended::sequence).sorted().toArray();
      for (int i = 0; i < total; i++) {
        assertEquals(i + 1, seqs[i]);
      }
    }
    VerifyResult result = JournalVerifier.verify(dir);
    assertTrue(result.ok(), result.firstProblem().orElse(""));
    assertEquals(threads * perThread, result.eventsChecked());
  }

  @Test
  void appendedHashMatchesJournalAndNoRawTokenIsStored() throws Exception {
    Appended a;
    try (FileJournal journal = open()) {
      a = journal.append(event(clock, 1));
    }
    String line = lines(segmentFiles(dir).get(0)).get(0);
    assertTrue(line.startsWith("{\"seq\":1,\"prev_hash\":\"" + "0".repeat(64) + "\",\"hash\":\""));
    assertTrue(line.contains("\"hash\":\"" + a.hash() + "\",\"event\":{"));
    assertFalse(line.contains("ghs_secret_1"));
    assertTrue(line.contains(TokenHashes.sha256Hex("ghs_secret_1")));
    assertEquals(
        "segment-00000000000000000001.jsonl", segmentFiles(dir).get(0).getFileName().toString());
  }

  @Test
  void reopenContinuesTheChain() throws Exception {
    try (FileJournal journal = open()) {
      for (int i = 0; i < 3; i++) {
        journal.append(event(clock, i));
      }
    }
    try (FileJournal journal = open()) {
      assertEquals(3, journal.stats().lastSequence());
      assertEquals(4, journal.append(event(clock, 3)).sequence());
    }
    VerifyResult result = JournalVerifier.verify(dir);
    assertTrue(result.ok(), result.firstProblem().orElse(""));
    assertEquals(4, result.eventsChecked());
  }

  @Test
  void tornTrailingLineIsTruncatedOnOpen() throws Exception {
    try (FileJournal journal = open()) {
      journal.append(event(clock, 1));
      journal.append(event(clock, 2));
    }
    Path segment = segmentFiles(dir).get(0);
    long goodSize = Files.size(segment);
    Files.writeString(
        segment,
        "{\"seq\":3,\"prev_hash\":\"00",
        StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
    try (FileJournal journal = open()) {
      assertEquals(goodSize, Files.size(segment));
      assertEquals(3, journal.append(event(clock, 3)).sequence());
    }
    assertEquals(3, lines(segment).size());
    assertTrue(JournalVerifier.verify(dir).ok());
  }

  @Test
  void refusesToOpenWhenTheChainTailIsBroken() throws Exception {
    try (FileJournal journal = open()) {
      journal.append(event(clock, 1));
      journal.append(event(clock, 2));
    }
    Path segment = segmentFiles(dir).get(0);
    String text = Files.readString(segment).replace("reason-number-2", "reason-number-X");
    Files.writeString(segment, text);
    IOException ex = assertThrows(IOException.class, this::open);
    assertTrue(ex.getMessage().contains("hash mismatch"), ex.getMessage());
    assertTrue(ex.getMessage().contains("line 2"), ex.getMessage());
  }

  @Test
  void secondOpenOfSameDirectoryIsRefused() throws Exception {
    try (FileJournal journal = open()) {
      IOException ex = assertThrows(IOException.class, this::open);
      assertTrue(ex.getMessage().contains("already open"));
      assertTrue(journal.stats().healthy());
    }
  }

  @Test
  void appendAfterCloseFailsClosed() throws Exception {
    FileJournal journal = open();
    journal.close();
    AuditUnavailableException ex =
        assertThrows(AuditUnavailableException.class, () -> journal.append(event(clock, 1)));
    assertEquals(AuditUnavailableException.Reason.CLOSED, ex.reason());
    assertFalse(journal.stats().healthy());
    assertEquals(1, journal.stats().failed());
  }

  @Test
  void rotationFailureWhenSegmentPathIsADirectoryFailsClosedAndRecovers() throws Exception {
    // segmentMaxBytes=1 forces every record after the first into a new segment.
    JournalConfig config = new JournalConfig(dir, 1, 100, Duration.ofSeconds(5));
    try (FileJournal journal = FileJournal.open(config, clock)) {
      journal.append(event(clock, 1));
      Path blocker = dir.resolve("segment-00000000000000000002.jsonl");
      Files.createDirectory(blocker);
      AuditUnavailableException ex =
          assertThrows(AuditUnavailableException.class, () -> journal.append(event(clock, 2)));
      assertEquals(AuditUnavailableException.Reason.IO_ERROR, ex.reason());
      JournalStats stats = journal.stats();
      assertFalse(stats.healthy());
      assertEquals(1, stats.lastSequence());
      assertTrue(stats.lastError().contains("segment-00000000000000000002.jsonl"));
      assertFalse(stats.lastError().contains("reason-number"));
      assertEquals(1, lines(dir.resolve("segment-00000000000000000001.jsonl")).size());

      Files.delete(blocker);
      assertEquals(2, journal.append(event(clock, 3)).sequence());
      assertTrue(journal.stats().healthy());
    }
    VerifyResult result = JournalVerifier.verify(dir);
    assertTrue(result.ok(), result.firstProblem().orElse(""));
    assertEquals(2, result.eventsChecked());
  }
}
