package dev.agentbroker.audit.bench;

import dev.agentbroker.audit.AuditEvent;
import dev.agentbroker.audit.FileJournal;
import dev.agentbroker.audit.JournalConfig;
import dev.agentbroker.audit.JournalKey;
import dev.agentbroker.audit.JournalStats;
import dev.agentbroker.audit.ShippingCursor;
import dev.agentbroker.audit.TestEvents;
import dev.agentbroker.audit.hec.HecConfig;
import dev.agentbroker.audit.hec.HecShipper;
import dev.agentbroker.testkit.hec.HecReceiver;
import dev.agentbroker.testkit.hec.HecReceiverSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Durable appends/s with group commit at 1, 8 and 64 writers next to an fsync-per-event baseline
 * measured in the same run on the same disk, then shipping throughput to the test HEC receiver.
 * Prints markdown for docs/performance.md. Args: [seconds per point] [work dir on the real disk]
 * [rounds, default 3] [no-shipping].
 */
public final class JournalBench {
  private static final String TOKEN = "bench-token";
  private static final Clock CLOCK = Clock.systemUTC();

  private JournalBench() {}

  interface Appender {
    void append(AuditEvent e) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    Path work =
        Files.createTempDirectory(args.length > 1 ? Path.of(args[1]) : Path.of("target"), "jbench");
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    System.out.println(
        "| writers | group commit events/s, unkeyed (median of "
            + rounds
            + ") | keyed: HMAC + checkpoints (median) | keyed/unkeyed | mean batch | fsync-per-event events/s | keyed vs fsync-per-event |");
    System.out.println("|---|---|---|---|---|---|---|");
    JournalKey key = JournalKey.of(new byte[32]);
    for (int writers : new int[] {1, 8, 64}) {
      double[][] gc = new double[2][rounds];
      double batch = 0;
      // Unkeyed and keyed alternate, round after round, in one run on one disk, so load drift on
      // a shared machine hits both alike; medians damp the outliers.
      for (int round = 0; round < rounds; round++) {
        for (int keyed = 0; keyed < 2; keyed++) {
          Path dir = work.resolve("gc-" + writers + "-" + round + (keyed == 1 ? "-keyed" : ""));
          try (FileJournal j =
              FileJournal.open(
                  new JournalConfig(
                          dir,
                          JournalConfig.DEFAULT_SEGMENT_MAX_BYTES,
                          10_000,
                          Duration.ofSeconds(30))
                      .withKey(keyed == 1 ? key : null),
                  CLOCK)) {
            gc[keyed][round] = run(writers, seconds, j::append);
            JournalStats s = j.stats();
            batch = (double) s.appended() / Math.max(1, s.batches());
          }
        }
      }
      double base;
      try (FsyncPerEventJournal naive =
          new FsyncPerEventJournal(work.resolve("naive-" + writers + ".jsonl"))) {
        base = run(writers, seconds, naive::append);
      }
      double plain = median(gc[0]);
      double keyed = median(gc[1]);
      System.out.printf(
          "| %d | %,.0f | %,.0f | %.2f | %.1f | %,.0f | %.1f× |%n",
          writers, plain, keyed, keyed / plain, batch, base, keyed / base);
    }
    if (args.length > 3 && args[3].equals("no-shipping")) {
      return;
    }
    shipping(work, 50_000, false);
    shipping(work, 50_000, true);
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    java.util.Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static double run(int writers, int seconds, Appender appender) throws Exception {
    LongAdder done = new LongAdder();
    AtomicBoolean stop = new AtomicBoolean();
    Thread[] threads = new Thread[writers];
    for (int t = 0; t < writers; t++) {
      int id = t;
      threads[t] =
          new Thread(
              () -> {
                int i = 0;
                while (!stop.get()) {
                  try {
                    appender.append(TestEvents.event(CLOCK, id * 10_000_000 + i++));
                    done.increment();
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                }
              });
    }
    // Short warm-up so JIT and the page cache settle before counting.
    long start = System.nanoTime();
    for (Thread t : threads) {
      t.start();
    }
    Thread.sleep(500);
    long warm = done.sum();
    long from = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    long count = done.sum() - warm;
    long elapsed = System.nanoTime() - from;
    stop.set(true);
    for (Thread t : threads) {
      t.join();
    }
    assert start > 0;
    return count / (elapsed / 1e9);
  }

  private static void shipping(Path work, int events, boolean acks) throws Exception {
    Path dir = work.resolve("ship-" + acks);
    try (FileJournal j = FileJournal.open(JournalConfig.defaults(dir), CLOCK);
        HecReceiver hec = HecReceiver.start(HecReceiverSettings.of(TOKEN).withAcks(acks))) {
      Thread[] writers = new Thread[16];
      for (int t = 0; t < writers.length; t++) {
        int id = t;
        writers[t] =
            new Thread(
                () -> {
                  for (int i = 0; i < events / writers.length; i++) {
                    try {
                      j.append(TestEvents.event(CLOCK, id * 1_000_000 + i));
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  }
                });
        writers[t].start();
      }
      for (Thread t : writers) {
        t.join();
      }
      long total = j.stats().lastSequence();
      ShippingCursor cursor = ShippingCursor.open(dir.resolve("cursor.json"));
      HecConfig config =
          HecConfig.builder(hec.baseUri(), TOKEN)
              .ack(acks, null)
              .ackTiming(Duration.ofMillis(2), Duration.ofSeconds(30))
              .build();
      long start = System.nanoTime();
      try (HecShipper shipper = HecShipper.start(config, j, cursor, CLOCK, null)) {
        long deadline = start + Duration.ofMinutes(5).toNanos();
        while (cursor.lastShippedSequence() < total && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        double secs = (System.nanoTime() - start) / 1e9;
        long wire = hec.requests().stream().mapToLong(r -> r.bodyBytes()).sum();
        System.out.printf(
            "%nshipping %,d events (gzip, 500/batch, acks %s): %,.0f events/s, %d requests, %.1f MB on the wire, backlog after: %d%n",
            total,
            acks ? "on" : "off",
            total / secs,
            hec.requests().size(),
            wire / 1e6,
            shipper.stats().backlogEvents());
      }
    }
  }
}
