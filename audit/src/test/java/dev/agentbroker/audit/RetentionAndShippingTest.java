package dev.agentbroker.audit;

import static dev.agentbroker.audit.TestEvents.event;
import static dev.agentbroker.audit.TestEvents.lines;
import static dev.agentbroker.audit.TestEvents.segmentFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionAndShippingTest {
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.now());

  /** Roughly two records per segment. */
  private FileJournal openSmallSegments() throws IOException {
    int recordSize = lineLength();
    return FileJournal.open(
        new JournalConfig(dir, recordSize * 2L + 10, 100, Duration.ofSeconds(5)), clock);
  }

  private int lineLength() {
    // Records differ only in small counters, so one sample is representative.
    return 600;
  }

  private static List<JournalRecord> drain(JournalReader reader) throws IOException {
    List<JournalRecord> out = new ArrayList<>();
    for (Optional<JournalRecord> r = reader.next(); r.isPresent(); r = reader.next()) {
      out.add(r.get());
    }
    return out;
  }

  @Test
  void rotatesAndNamesSegmentsByFirstSequence() throws Exception {
    try (FileJournal journal = openSmallSegments()) {
      for (int i = 1; i <= 10; i++) {
        journal.append(event(clock, i));
      }
    }
    List<Path> segments = segmentFiles(dir);
    assertTrue(segments.size() >= 4, "expected rotation, got " + segments);
    for (Path segment : segments) {
      long first = Long.parseLong(segment.getFileName().toString().substring(8, 28));
      assertTrue(lines(segment).get(0).startsWith("{\"seq\":" + first + ","));
      assertTrue(Files.size(segment) <= 2L * 600 + 10);
    }
    VerifyResult result = JournalVerifier.verify(dir);
    assertTrue(result.ok(), result.firstProblem().orElse(""));
    assertEquals(10, result.eventsChecked());
  }

  @Test
  void missingMiddleSegmentIsReportedAsSequenceGap() throws Exception {
    try (FileJournal journal = openSmallSegments()) {
      for (int i = 1; i <= 6; i++) {
        journal.append(event(clock, i));
      }
    }
    List<Path> segments = segmentFiles(dir);
    Files.delete(segments.get(1));
    String problem = JournalVerifier.verify(dir).firstProblem().orElseThrow();
    assertTrue(problem.startsWith(segments.get(2).getFileName() + " line 1"), problem);
    assertTrue(problem.contains("sequence gap"), problem);
  }

  @Test
  void deletesOnlyShippedSegmentsOlderThanRetentionAndNeverTheActiveOne() throws Exception {
    try (FileJournal journal = openSmallSegments()) {
      for (int i = 1; i <= 10; i++) {
        journal.append(event(clock, i));
      }
      List<Path> before = segmentFiles(dir);
      assertEquals(0, journal.deleteShippedSegments(6, Duration.ofHours(1)), "too recent");

      clock.advance(Duration.ofHours(2));
      int deleted = journal.deleteShippedSegments(6, Duration.ofHours(1));
      assertTrue(deleted >= 1);
      List<Path> after = segmentFiles(dir);
      assertEquals(before.size() - deleted, after.size());
      try (JournalReader reader = JournalReader.open(dir, 1)) {
        List<JournalRecord> remaining = drain(reader);
        assertTrue(remaining.get(0).sequence() <= 7, "unshipped records must survive");
        assertEquals(10, remaining.get(remaining.size() - 1).sequence());
      }

      journal.deleteShippedSegments(Long.MAX_VALUE, Duration.ZERO);
      List<Path> last = segmentFiles(dir);
      assertEquals(1, last.size());
      assertEquals(before.get(before.size() - 1), last.get(0));
      assertTrue(JournalVerifier.verify(dir).ok());
      assertEquals(11, journal.append(event(clock, 11)).sequence());
    }
    try (FileJournal journal = openSmallSegments()) {
      assertEquals(12, journal.append(event(clock, 12)).sequence());
    }
    assertTrue(JournalVerifier.verify(dir).ok());
  }

  @Test
  void readerIteratesAcrossSegmentsFromASequenceAndTails() throws Exception {
    try (FileJournal journal = openSmallSegments()) {
      for (int i = 1; i <= 7; i++) {
        journal.append(event(clock, i));
      }
      try (JournalReader reader = journal.reader(4)) {
        List<JournalRecord> got = drain(reader);
        assertEquals(List.of(4L, 5L, 6L, 7L), got.stream().map(JournalRecord::sequence).toList());
        assertEquals("reason-number-4", got.get(0).event().reason());
        journal.append(event(clock, 8));
        journal.append(event(clock, 9));
        List<JournalRecord> more = drain(reader);
        assertEquals(List.of(8L, 9L), more.stream().map(JournalRecord::sequence).toList());
        assertEquals(got.get(3).hash(), more.get(0).prevHash());
      }
    }
  }

  @Test
  void readerRefusesTamperedRecords() throws Exception {
    try (FileJournal journal = openSmallSegments()) {
      for (int i = 1; i <= 3; i++) {
        journal.append(event(clock, i));
      }
    }
    Path first = segmentFiles(dir).get(0);
    Files.writeString(first, Files.readString(first).replace("agent-2", "agent-9"));
    try (JournalReader reader = JournalReader.open(dir, 1)) {
      assertEquals(1, reader.next().orElseThrow().sequence());
      IOException ex = assertThrows(IOException.class, reader::next);
      assertTrue(ex.getMessage().contains("hash mismatch"), ex.getMessage());
    }
  }

  @Test
  void shippingCursorPersistsAndOnlyMovesForward() throws Exception {
    Path file = dir.resolve("ship/cursor.json");
    ShippingCursor cursor = ShippingCursor.open(file);
    assertEquals(0, cursor.lastShippedSequence());
    cursor.commit(42);
    assertEquals(42, ShippingCursor.open(file).lastShippedSequence());
    assertThrows(IllegalArgumentException.class, () -> cursor.commit(41));
    cursor.commit(43);
    assertEquals(43, ShippingCursor.open(file).lastShippedSequence());
    assertTrue(Files.notExists(dir.resolve("ship/cursor.json.tmp")));

    Files.writeString(file, "garbage");
    assertThrows(IOException.class, () -> ShippingCursor.open(file));
  }
}
