package dev.agentbroker.audit.bench;

import dev.agentbroker.audit.AppendCallback;
import dev.agentbroker.audit.FileJournal;
import dev.agentbroker.audit.JournalConfig;
import dev.agentbroker.audit.JournalKey;
import dev.agentbroker.audit.JournalVerifier;
import dev.agentbroker.audit.TestEvents;
import dev.agentbroker.audit.VerifyResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How long start-up verification of a large journal takes: writes N records (default 1 000 000)
 * keyed and unkeyed, then times {@link JournalVerifier#verify} over each (cold-ish: first run, and
 * warm: second). Prints markdown for docs/performance.md. Args: [records] [work dir].
 */
public final class VerifyBench {
  private static final Clock CLOCK = Clock.systemUTC();

  private VerifyBench() {}

  public static void main(String[] args) throws Exception {
    int records = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    Path work =
        Files.createTempDirectory(args.length > 1 ? Path.of(args[1]) : Path.of("target"), "vbench");
    JournalKey key = JournalKey.of(new byte[32]);
    System.out.println(
        "| journal | records | size | verify, 1st run | verify, 2nd run | records/s (2nd) |");
    System.out.println("|---|---|---|---|---|---|");
    for (JournalKey k : new JournalKey[] {null, key}) {
      Path dir = work.resolve(k == null ? "unkeyed" : "keyed");
      write(dir, k, records);
      long bytes = 0;
      try (var files = Files.list(dir)) {
        for (Path p : files.toList()) {
          bytes += Files.size(p);
        }
      }
      JournalVerifier.Options options =
          k == null ? JournalVerifier.Options.unkeyed() : JournalVerifier.Options.keyed(k);
      double[] secs = new double[2];
      for (int round = 0; round < 2; round++) {
        long start = System.nanoTime();
        VerifyResult r = JournalVerifier.verify(dir, options);
        secs[round] = (System.nanoTime() - start) / 1e9;
        if (!r.ok()) {
          throw new IllegalStateException(r.toString());
        }
      }
      System.out.printf(
          "| %s | %,d | %.0f MB | %.1f s | %.1f s | %,.0f |%n",
          k == null ? "unkeyed" : "keyed (HMAC-SHA256)",
          records,
          bytes / 1e6,
          secs[0],
          secs[1],
          records / secs[1]);
    }
  }

  private static void write(Path dir, JournalKey key, int records) throws Exception {
    JournalConfig config =
        new JournalConfig(
                dir, JournalConfig.DEFAULT_SEGMENT_MAX_BYTES, 20_000, Duration.ofSeconds(60))
            .withCommitLinger(Duration.ofMillis(5))
            .withKey(key);
    Semaphore inFlight = new Semaphore(16_000);
    CountDownLatch done = new CountDownLatch(records);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AppendCallback cb =
        (appended, error) -> {
          if (error != null) {
            failure.compareAndSet(null, error);
          }
          inFlight.release();
          done.countDown();
        };
    try (FileJournal j = FileJournal.open(config, CLOCK)) {
      for (int i = 0; i < records; i++) {
        inFlight.acquire();
        j.appendAsync(TestEvents.event(CLOCK, i), cb);
      }
      done.await();
    }
    if (failure.get() != null) {
      throw new IllegalStateException(failure.get());
    }
  }
}
