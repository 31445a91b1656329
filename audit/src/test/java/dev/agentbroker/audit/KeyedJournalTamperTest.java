package dev.agentbroker.audit;

import static dev.agentbroker.audit.TestEvents.event;
import static dev.agentbroker.audit.TestEvents.lines;
import static dev.agentbroker.audit.TestEvents.segmentFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.audit.VerifyResult.Verdict;
import dev.agentbroker.audit.internal.ChainHash;
import dev.agentbroker.audit.internal.ChainMac;
import dev.agentbroker.audit.internal.Genesis;
import dev.agentbroker.audit.internal.RecordCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each way someone with disk access (but without the journal key) could doctor a keyed journal, and
 * what verification says. The journal is written in two sessions (restart) with small segments
 * (rotation), 20 events plus the genesis record = 21 records.
 */
class KeyedJournalTamperTest {
  static final JournalKey KEY = key(7);
  static final JournalKey OTHER_KEY = key(9);
  static final int RECORDS = 21;

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2025-06-01T00:00:00Z"));

  interface Tamper {
    void apply(Path dir) throws Exception;
  }

  record Case(
      String name, Tamper tamper, JournalKey verifyKey, long cursor, Verdict verdict, String says) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> cases() {
    return Stream.of(
            new Case(
                "clean journal across rotation and restart", d -> {}, KEY, 0, Verdict.OK, null),
            new Case("clean journal, cursor at the end", d -> {}, KEY, RECORDS, Verdict.OK, null),
            new Case(
                "drop the last 3 records: checkpoint detects",
                d -> dropLast(d, 3),
                KEY,
                0,
                Verdict.TRUNCATED,
                "ends at seq 18 but the checkpoint"),
            new Case(
                "drop the last 3 records and the checkpoint: cursor detects",
                d -> {
                  dropLast(d, 3);
                  Files.delete(d.resolve("checkpoint.json"));
                },
                KEY,
                20,
                Verdict.TRUNCATED,
                "ends at seq 18 but the shipping cursor says seq 20"),
            new Case(
                "drop the whole last segment",
                d -> Files.delete(last(segmentFiles(d))),
                KEY,
                0,
                Verdict.TRUNCATED,
                "record(s) cut off the end"),
            new Case(
                "rewrite and re-hash the whole journal without the key",
                d -> rehash(d, (prev, ev) -> ChainHash.compute(prev, ev)),
                KEY,
                0,
                Verdict.BROKEN,
                "differs from the checkpoint"),
            new Case(
                "rewrite and re-hash without the key, checkpoint deleted",
                d -> {
                  rehash(d, (prev, ev) -> ChainHash.compute(prev, ev));
                  Files.delete(d.resolve("checkpoint.json"));
                },
                KEY,
                0,
                Verdict.UNKEYED,
                null),
            new Case(
                "rewrite under the attacker's own key with a new genesis",
                d -> {
                  ChainMac mac = new ChainMac(OTHER_KEY);
                  rehash(d, mac::compute);
                  Files.delete(d.resolve("checkpoint.json"));
                },
                KEY,
                0,
                Verdict.WRONG_KEY,
                "started with key id"),
            new Case(
                "edit one record",
                d -> editFirst(d, "reason-number-4", "reason-number-X"),
                KEY,
                0,
                Verdict.BROKEN,
                "hash mismatch: record does not match its HMAC"),
            new Case(
                "delete one record in the middle",
                d -> {
                  Path seg = segmentFiles(d).get(1);
                  List<String> l = new ArrayList<>(lines(seg));
                  l.remove(1);
                  Files.write(seg, l, StandardCharsets.UTF_8);
                },
                KEY,
                0,
                Verdict.BROKEN,
                "sequence gap"),
            new Case(
                "forge the checkpoint forward",
                d -> {
                  Path cp = d.resolve("checkpoint.json");
                  Files.writeString(cp, Files.readString(cp).replace("\"seq\":21", "\"seq\":25"));
                },
                KEY,
                0,
                Verdict.BROKEN,
                "MAC does not verify"),
            new Case(
                "verify with the wrong key",
                d -> {},
                OTHER_KEY,
                0,
                Verdict.WRONG_KEY,
                "wrong journal key"),
            new Case(
                "verify without a key",
                d -> {},
                null,
                0,
                Verdict.KEY_REQUIRED,
                "the journal is keyed"))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void tamperCase(Case c) throws Exception {
    writeTwoSessions();
    assertTrue(segmentFiles(dir).size() >= 3, "rotation happened");
    c.tamper().apply(dir);
    JournalVerifier.Options options =
        new JournalVerifier.Options(c.verifyKey(), c.cursor(), null, clock);
    VerifyResult result = JournalVerifier.verify(dir, options);
    assertEquals(c.verdict(), result.verdict(), result.toString());
    if (c.says() != null) {
      String problem = result.firstProblem().orElseThrow();
      assertTrue(problem.contains(c.says()), problem);
    }
    if (c.verdict() == Verdict.OK) {
      assertEquals(RECORDS, result.eventsChecked());
      assertEquals(0, result.unkeyedRecords());
      assertTrue(result.journalId().isPresent());
      assertEquals(RECORDS, result.checkpointSequence(), "checkpoint written at close");
      assertTrue(result.authenticated());
    } else {
      assertFalse(result.authenticated());
    }
  }

  private void writeTwoSessions() throws Exception {
    JournalConfig config = new JournalConfig(dir, 2_000, 100, Duration.ofSeconds(5)).withKey(KEY);
    for (int session = 0; session < 2; session++) {
      try (FileJournal journal = FileJournal.open(config, clock)) {
        for (int i = 1; i <= 10; i++) {
          journal.append(event(clock, session * 10 + i));
        }
      }
    }
  }

  static JournalKey key(int seed) {
    byte[] b = new byte[32];
    Arrays.fill(b, (byte) seed);
    return JournalKey.of(b);
  }

  static <T> T last(List<T> list) {
    return list.get(list.size() - 1);
  }

  /** Cuts the last {@code k} records off, across segments, deleting segments left empty. */
  static void dropLast(Path d, int k) throws Exception {
    while (k > 0) {
      Path seg = last(segmentFiles(d));
      List<String> l = new ArrayList<>(lines(seg));
      int cut = Math.min(k, l.size());
      k -= cut;
      if (cut == l.size()) {
        Files.delete(seg);
      } else {
        Files.write(seg, l.subList(0, l.size() - cut), StandardCharsets.UTF_8);
      }
    }
  }

  static void editFirst(Path d, String from, String to) throws Exception {
    for (Path seg : segmentFiles(d)) {
      String text = Files.readString(seg);
      if (text.contains(from)) {
        Files.writeString(seg, text.replace(from, to));
        return;
      }
    }
    throw new IllegalStateException(from + " not found");
  }

  /** Recomputes every link with {@code link}; the genesis record names the re-hasher's key. */
  static void rehash(Path d, BiFunction<String, String, String> link) throws Exception {
    String prev = ChainHash.GENESIS;
    for (Path seg : segmentFiles(d)) {
      List<String> out = new ArrayList<>();
      for (String line : lines(seg)) {
        JournalRecord r = RecordCodec.decode(line);
        String ev = r.eventJson();
        if (Genesis.parse(ev) != null) {
          ev = AuditEventJson.toJson(Genesis.event(Instant.EPOCH, "forged", OTHER_KEY, 0));
        }
        String hash = link.apply(prev, ev);
        out.add(RecordCodec.encode(new JournalRecord(r.sequence(), prev, hash, ev)));
        prev = hash;
      }
      Files.write(seg, out, StandardCharsets.UTF_8);
    }
  }
}
