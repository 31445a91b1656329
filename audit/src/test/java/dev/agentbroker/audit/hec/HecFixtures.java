package dev.agentbroker.audit.hec;

import dev.agentbroker.audit.AuditEvent;
import dev.agentbroker.audit.FileJournal;
import dev.agentbroker.audit.JournalReader;
import dev.agentbroker.audit.JournalRecord;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/** Shared helpers for shipper tests: fast timings and bounded waits. */
final class HecFixtures {
  static final String TOKEN = "11111111-2222-3333-4444-555555555555";

  private HecFixtures() {}

  /** Small backoffs so retries happen within a test's time budget. */
  static HecConfig.Builder fast(URI url) {
    return HecConfig.builder(url, TOKEN)
        .index("audit")
        .host("broker-1")
        .maxBatchEvents(100)
        .maxBatchDelay(Duration.ofMillis(20))
        .pollInterval(Duration.ofMillis(5))
        .backoff(Duration.ofMillis(5), Duration.ofMillis(100))
        .permanentFailureRetry(Duration.ofMillis(50))
        .ackTiming(Duration.ofMillis(5), Duration.ofMillis(500))
        .timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5));
  }

  /** Polls {@code condition} every 10 ms until true or {@code timeout}; returns the last value. */
  static boolean await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() - deadline < 0) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(10);
    }
    return condition.getAsBoolean();
  }

  static Set<String> journalEventIds(Path dir) throws IOException {
    Set<String> ids = new HashSet<>();
    try (JournalReader reader = JournalReader.open(dir, 1)) {
      for (Optional<JournalRecord> r = reader.next(); r.isPresent(); r = reader.next()) {
        ids.add(r.get().event().eventId());
      }
    }
    return ids;
  }

  static Set<String> append(FileJournal journal, Iterable<AuditEvent> events) throws Exception {
    Set<String> ids = new HashSet<>();
    for (AuditEvent e : events) {
      journal.append(e);
      ids.add(e.eventId());
    }
    return ids;
  }
}
