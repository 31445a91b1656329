package dev.agentbroker.egress.internal;

import dev.agentbroker.audit.AuditEvent;
import dev.agentbroker.audit.AuditUnavailableException;
import dev.agentbroker.audit.FileJournal;
import dev.agentbroker.egress.EgressDecision;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Hands decisions to the journal without waiting: {@link FileJournal#appendAsync} queues the event
 * and the journal's writer thread commits whatever is queued with one fsync. Nothing blocks an
 * event loop and no thread is parked per event (a pool of appender threads, each waiting for its
 * own fsync, was most of the proxy's per-tunnel overhead). Egress is not journal-first: a failure
 * is counted and logged loudly, the connection goes on (its decision line was already logged).
 */
public final class AuditSink implements AutoCloseable {
  /**
   * How long the journal's writer gathers events before one write and fsync. Egress appends are
   * asynchronous, so this adds no latency to any connection; it bounds the fsync rate (to about 1 /
   * linger) however many tunnels close per second.
   */
  public static final Duration COMMIT_LINGER = Duration.ofMillis(20);

  private static final Logger LOG = Logger.getLogger("dev.agentbroker.egress.audit");
  private static final String SOURCE = AuditSink.class.getName();

  private final FileJournal journal;
  private final ProxyMetrics metrics;
  private final AtomicLong failedSinceLog = new AtomicLong();
  private final AtomicLong lastFailureLog = new AtomicLong(System.nanoTime() - 2_000_000_000L);

  public AuditSink(FileJournal journal, ProxyMetrics metrics) {
    this.journal = journal;
    this.metrics = metrics;
  }

  public void submit(EgressDecision d) {
    if (journal == null) {
      return;
    }
    AuditEvent event;
    try {
      event = toEvent(d);
    } catch (RuntimeException e) {
      metrics.auditFailure("internal");
      LOG.log(Level.SEVERE, "AUDIT EVENT NOT BUILT id=" + d.id() + " event=" + d.event(), e);
      return;
    }
    journal.appendAsync(
        event,
        (appended, failure) -> {
          if (failure != null) {
            failed(d.id(), d.event(), failure);
          }
        });
  }

  /** An event built elsewhere (one per injected request), appended and reported the same way. */
  public void submit(AuditEvent event) {
    if (journal == null) {
      return;
    }
    journal.appendAsync(
        event,
        (appended, failure) -> {
          if (failure != null) {
            failed(event.eventId(), event.action(), failure);
          }
        });
  }

  /**
   * Every failure is counted; the log line is rate-limited to one a second with the count, because
   * a line per failure would add work exactly when the proxy is already behind.
   */
  private void failed(String id, String eventName, AuditUnavailableException e) {
    metrics.auditFailure(e.reason().name().toLowerCase(Locale.ROOT));
    failedSinceLog.incrementAndGet();
    long now = System.nanoTime();
    long last = lastFailureLog.get();
    if (now - last >= 1_000_000_000L && lastFailureLog.compareAndSet(last, now)) {
      long n = failedSinceLog.getAndSet(0);
      LOG.logp(
          Level.SEVERE,
          SOURCE,
          "failed",
          "AUDIT EVENTS NOT JOURNALED: "
              + n
              + " since the last report ("
              + e.reason()
              + ": "
              + e.getMessage()
              + "), latest id="
              + id
              + " event="
              + eventName);
    }
  }

  static AuditEvent toEvent(EgressDecision d) {
    Map<String, String> details = new LinkedHashMap<>();
    details.put("connection_id", d.id());
    details.put("method", d.method());
    details.put("host", d.host());
    details.put("port", Integer.toString(d.port()));
    details.put("address", d.address());
    details.put("group", d.group());
    if (d.status() > 0) {
      details.put("status", Integer.toString(d.status()));
    }
    if (d.event().equals("egress.close")) {
      details.put("bytes_up", Long.toString(d.bytesUp()));
      details.put("bytes_down", Long.toString(d.bytesDown()));
      details.put("duration_ms", Long.toString(d.durationMs()));
    }
    return AuditEvent.builder(d.event(), d.outcome())
        // Counter-based UUIDs: unique, and no SecureRandom (a lock and /dev/urandom) per event.
        .eventId(ConnectionIds.next())
        .time(d.time())
        .reason(d.reason())
        .clientIp(d.client())
        .subject(d.user().equals("-") ? null : d.user())
        .latencyMs(d.durationMs())
        .details(details)
        .build();
  }

  /** Writes what is queued and closes the journal, so a clean shutdown loses nothing submitted. */
  @Override
  public void close() {
    if (journal != null) {
      journal.close();
    }
  }
}
