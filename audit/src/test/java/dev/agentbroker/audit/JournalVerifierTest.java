package dev.agentbroker.audit;

import static dev.agentbroker.audit.TestEvents.event;
import static dev.agentbroker.audit.TestEvents.lines;
import static dev.agentbroker.audit.TestEvents.segmentFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalVerifierTest {
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2025-06-01T00:00:00Z"));
  private final List<AuditEvent> events = new ArrayList<>();
  private Path segment;

  @BeforeEach
  void writeFiveRecords() throws Exception {
    try (FileJournal journal = FileJournal.open(JournalConfig.defaults(dir), clock)) {
      for (int i = 1; i <= 5; i++) {
        AuditEvent e = event(clock, i);
        events.add(e);
        journal.append(e);
      }
    }
    segment = segmentFiles(dir).get(0);
  }

  @Test
  void intactJournalVerifies() throws Exception {
    VerifyResult result = JournalVerifier.verify(dir);
    assertTrue(result.ok());
    assertEquals(5, result.eventsChecked());
  }

  @Test
  void flippedByteInAMiddleEventIsNamedByFileLineAndEventId() throws Exception {
    byte[] bytes = Files.readAllBytes(segment);
    String text = new String(bytes, StandardCharsets.UTF_8);
    int at = text.indexOf("reason-number-3") + "reason-".length();
    bytes[at] ^= 0x20; // 'n' -> 'N': still valid JSON, different content
    Files.write(segment, bytes);

    VerifyResult result = JournalVerifier.verify(dir);
    assertFalse(result.ok());
    assertEquals(2, result.eventsChecked());
    String problem = result.firstProblem().orElseThrow();
    assertTrue(problem.contains(segment.getFileName().toString()), problem);
    assertTrue(problem.contains("line 3"), problem);
    assertTrue(problem.contains(events.get(2).eventId()), problem);
    assertTrue(problem.contains("hash mismatch"), problem);
  }

  @Test
  void deletedLineIsReportedAsSequenceGap() throws Exception {
    List<String> lines = new ArrayList<>(lines(segment));
    lines.remove(2);
    Files.write(segment, lines, StandardCharsets.UTF_8);

    VerifyResult result = JournalVerifier.verify(dir);
    assertFalse(result.ok());
    String problem = result.firstProblem().orElseThrow();
    assertTrue(problem.contains("sequence gap: expected seq 3 but found seq 4"), problem);
    assertTrue(problem.contains("line 3"), problem);
    assertTrue(problem.contains(events.get(3).eventId()), problem);
  }

  @Test
  void rewrittenPrevHashIsReportedAsBrokenLink() throws Exception {
    List<String> lines = new ArrayList<>(lines(segment));
    String fourth = lines.get(3);
    int at = fourth.indexOf("\"prev_hash\":\"") + 13;
    char c = fourth.charAt(at) == 'a' ? 'b' : 'a';
    lines.set(3, fourth.substring(0, at) + c + fourth.substring(at + 1));
    Files.write(segment, lines, StandardCharsets.UTF_8);

    String problem = JournalVerifier.verify(dir).firstProblem().orElseThrow();
    assertTrue(problem.contains("prev_hash does not match the hash of seq 3"), problem);
    assertTrue(problem.contains("line 4"), problem);
  }

  @Test
  void unparsableLineIsReported() throws Exception {
    List<String> lines = new ArrayList<>(lines(segment));
    lines.set(1, "not json at all");
    Files.write(segment, lines, StandardCharsets.UTF_8);

    String problem = JournalVerifier.verify(dir).firstProblem().orElseThrow();
    assertTrue(problem.contains("line 2"), problem);
    assertTrue(problem.contains("unparsable"), problem);
  }

  @Test
  void commandLineExitCodes() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
    assertEquals(0, JournalVerifier.run(new String[] {"verify", dir.toString()}, ps, ps));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("OK: 5 events verified"));

    List<String> lines = new ArrayList<>(lines(segment));
    lines.remove(0);
    Files.write(segment, lines, StandardCharsets.UTF_8);
    // Dropping the first record leaves seq 2 at the head of a segment named for seq 1.
    assertEquals(1, JournalVerifier.run(new String[] {"verify", dir.toString()}, ps, ps));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("BROKEN"));
    assertEquals(2, JournalVerifier.run(new String[] {"check"}, ps, ps));
  }
}
