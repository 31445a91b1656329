package dev.agentbroker.egress.internal;

import dev.agentbroker.audit.AuditEvent;
import dev.agentbroker.audit.AuditJournal;
import dev.agentbroker.audit.AuditUnavailableException;
import dev.agentbroker.egress.EgressDecision;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Appends decisions to the journal from a pool of threads so fsync never blocks an event loop; the
 * journal commits all appends in flight with one fsync, so the pool size is the batch size. Egress
 * is not journal-first: a failure is logged loudly and counted, and the connection goes on (the
 * decision was already logged).
 */
public final class AuditSink implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger("dev.agentbroker.egress.audit");

  private final AuditJournal journal;
  private final ProxyMetrics metrics;
  private final ThreadPoolExecutor executor;
  private final AtomicLong droppedSinceLog = new AtomicLong();
  private final AtomicLong lastDropLog = new AtomicLong(System.nanoTime() - 2_000_000_000L);

  public AuditSink(AuditJournal journal, ProxyMetrics metrics, int threads, int queue) {
    this.journal = journal;
    this.metrics = metrics;
    this.executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(queue),
            r -> {
              Thread t = new Thread(r, "egress-audit");
              t.setDaemon(true);
              return t;
            });
  }

  public void submit(EgressDecision d) {
    if (journal == null) {
      return;
    }
    try {
      // toEvent runs on the appender: building an AuditEvent scrubs every detail with regexes,
      // work the event loop need not do.
      executor.execute(() -> append(d));
    } catch (RejectedExecutionException e) {
      metrics.auditFailure("queue_full");
      long dropped = droppedSinceLog.incrementAndGet();
      long now = System.nanoTime();
      long last = lastDropLog.get();
      // Every drop is counted, but logged at most once a second: a log line per drop would add
      // work exactly when the proxy is already behind.
      if (now - last >= 1_000_000_000L && lastDropLog.compareAndSet(last, now)) {
        long n = droppedSinceLog.getAndSet(0);
        LOG.logp(
            Level.SEVERE,
            AuditSink.class.getName(),
            "submit",
            "AUDIT EVENTS DROPPED (audit queue full): "
                + n
                + " since the last report, latest id="
                + d.id()
                + " event="
                + d.event());
      }
    }
  }

  private void append(EgressDecision d) {
    AuditEvent event;
    try {
      event = toEvent(d);
    } catch (RuntimeException e) {
      metrics.auditFailure("internal");
      LOG.log(Level.SEVERE, "AUDIT EVENT NOT BUILT id=" + d.id() + " event=" + d.event(), e);
      return;
    }
    try {
      journal.append(event);
    } catch (AuditUnavailableException e) {
      metrics.auditFailure(e.reason().name().toLowerCase(java.util.Locale.ROOT));
      LOG.log(
          Level.SEVERE, "AUDIT APPEND FAILED event_id=" + event.eventId() + ": " + e.getMessage());
    } catch (RuntimeException e) {
      metrics.auditFailure("internal");
      LOG.log(Level.SEVERE, "AUDIT APPEND FAILED event_id=" + event.eventId(), e);
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
        .time(d.time())
        .reason(d.reason())
        .clientIp(d.client())
        .latencyMs(d.durationMs())
        .details(details)
        .build();
  }

  /** Waits briefly for queued events, so a clean shutdown loses nothing already submitted. */
  @Override
  public void close() {
    executor.shutdown();
    try {
      executor.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (journal != null) {
      journal.close();
    }
  }
}
