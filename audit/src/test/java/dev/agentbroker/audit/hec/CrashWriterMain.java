package dev.agentbroker.audit.hec;

import dev.agentbroker.audit.AuditEvent;
import dev.agentbroker.audit.FileJournal;
import dev.agentbroker.audit.JournalConfig;
import dev.agentbroker.audit.ShippingCursor;
import dev.agentbroker.audit.TestEvents;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * Child process for {@link CrashTest}: appends events from several threads while shipping them,
 * printing {@code <seq> <event_id>} for each append that returned (i.e. is durable). Bounded in
 * count and time so an orphan ends on its own.
 *
 * <p>Args: journal dir, cursor file, HEC base URL, HEC token.
 */
public final class CrashWriterMain {
  private static final int THREADS = 4;
  private static final int MAX_EVENTS_PER_THREAD = 50_000;
  private static final long MAX_NANOS = Duration.ofSeconds(30).toNanos();

  private CrashWriterMain() {}

  public static void main(String[] args) throws Exception {
    Clock clock = Clock.systemUTC();
    PrintStream out = new PrintStream(System.out, false, "UTF-8");
    FileJournal journal = FileJournal.open(JournalConfig.defaults(Path.of(args[0])), clock);
    ShippingCursor cursor = ShippingCursor.open(Path.of(args[1]));
    HecConfig config =
        HecConfig.builder(URI.create(args[2]), args[3])
            .maxBatchEvents(50)
            .maxBatchDelay(Duration.ofMillis(10))
            .pollInterval(Duration.ofMillis(5))
            .backoff(Duration.ofMillis(5), Duration.ofMillis(100))
            .build();
    HecShipper.start(config, journal, cursor, clock, null);
    long start = System.nanoTime();
    Thread[] threads = new Thread[THREADS];
    for (int t = 0; t < THREADS; t++) {
      int base = t * MAX_EVENTS_PER_THREAD;
      threads[t] =
          new Thread(
              () -> {
                for (int i = 0;
                    i < MAX_EVENTS_PER_THREAD && System.nanoTime() - start < MAX_NANOS;
                    i++) {
                  AuditEvent e = TestEvents.event(clock, base + i);
                  try {
                    long seq = journal.append(e).sequence();
                    synchronized (out) {
                      out.println(seq + " " + e.eventId());
                      out.flush();
                    }
                  } catch (Exception ex) {
                    return;
                  }
                }
              });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    System.exit(0);
  }
}
