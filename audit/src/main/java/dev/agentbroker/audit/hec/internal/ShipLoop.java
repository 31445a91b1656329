package dev.agentbroker.audit.hec.internal;

import dev.agentbroker.audit.JournalReader;
import dev.agentbroker.audit.JournalRecord;
import dev.agentbroker.audit.ShippingCursor;
import dev.agentbroker.audit.hec.HecConfig;
import dev.agentbroker.audit.hec.HecListener;
import dev.agentbroker.audit.hec.HecStats;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * The shipper's single thread: read a batch from the cursor on, send it until it is confirmed, then
 * commit the cursor. One batch in flight keeps ordering simple and makes "cursor = last confirmed
 * sequence" exact; at-least-once follows because the cursor moves only after a confirmation and a
 * restart resends from it.
 */
public final class ShipLoop implements Runnable {
  private static final System.Logger LOG = System.getLogger("dev.agentbroker.audit.hec");

  private final HecConfig config;
  private final HecClient client;
  private final Envelope envelope;
  private final ShippingCursor cursor;
  private final Clock clock;
  private final HecListener listener;
  private final LongFunction<JournalReader> opener;
  private final LongSupplier durableHead;
  private final Backoff backoff;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private volatile boolean running = true;

  private final AtomicLong shipped = new AtomicLong();
  private final AtomicLong retried = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();
  private volatile String lastError;
  private volatile boolean permanentFailure;
  private volatile boolean lastAttemptOk = true;
  private volatile Instant oldestPending;
  private volatile long maxSeen;
  private volatile double meanEnvelopeBytes;

  private JournalReader reader;
  private final List<JournalRecord> batch = new ArrayList<>();
  private final List<byte[]> encoded = new ArrayList<>();
  private long batchBytes;
  private long batchStartNanos;
  private JournalRecord carry;
  private byte[] carryBytes;

  public ShipLoop(
      HecConfig config,
      HecClient client,
      ShippingCursor cursor,
      Clock clock,
      HecListener listener,
      LongFunction<JournalReader> opener,
      LongSupplier durableHead) {
    this.config = config;
    this.client = client;
    this.envelope = new Envelope(config);
    this.cursor = cursor;
    this.clock = clock;
    this.listener = listener;
    this.opener = opener;
    this.durableHead = durableHead;
    this.backoff = new Backoff(config.backoffBase(), config.backoffMax());
    this.maxSeen = cursor.lastShippedSequence();
  }

  @Override
  public void run() {
    try {
      while (running) {
        try {
          if (reader == null) {
            reader = opener.apply(cursor.lastShippedSequence() + 1);
          }
          if (fill()) {
            int attempts = deliver(0, batch.size());
            if (attempts > 0) {
              commit(attempts);
            }
          }
        } catch (IOException e) {
          // Broken chain, unreadable segment or a cursor that cannot be written: hold, report,
          // and start over from the durable cursor later so nothing is skipped.
          permanent("journal or cursor: " + client.redact(e.getMessage()));
          closeReader();
          clearBatch();
          pause(config.permanentFailureRetry());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeReader();
    }
  }

  /** Fills the batch; true when it should be sent now. */
  private boolean fill() throws IOException, InterruptedException {
    if (carry != null) {
      add(carry, carryBytes);
      carry = null;
      carryBytes = null;
    }
    while (running) {
      if (batch.size() >= config.maxBatchEvents() || batchBytes >= config.maxBatchBytes()) {
        return true;
      }
      Optional<JournalRecord> next = reader.next();
      if (next.isPresent()) {
        JournalRecord r = next.get();
        byte[] bytes = envelope.encode(r);
        maxSeen = Math.max(maxSeen, r.sequence());
        meanEnvelopeBytes =
            meanEnvelopeBytes == 0 ? bytes.length : meanEnvelopeBytes * 0.99 + bytes.length * 0.01;
        if (!batch.isEmpty() && batchBytes + bytes.length > config.maxBatchBytes()) {
          carry = r;
          carryBytes = bytes;
          return true;
        }
        add(r, bytes);
        continue;
      }
      long waited = System.nanoTime() - batchStartNanos;
      long delay = config.maxBatchDelay().toNanos();
      if (!batch.isEmpty() && waited >= delay) {
        return true;
      }
      long pause = config.pollInterval().toNanos();
      if (!batch.isEmpty()) {
        pause = Math.min(pause, delay - waited);
      }
      pause(Duration.ofNanos(Math.max(pause, 1_000_000L)));
    }
    return false;
  }

  private void add(JournalRecord r, byte[] bytes) {
    if (batch.isEmpty()) {
      batchStartNanos = System.nanoTime();
      oldestPending = Envelope.eventTime(r);
    }
    batch.add(r);
    encoded.add(bytes);
    batchBytes += bytes.length;
  }

  /**
   * Sends batch[from, to) until confirmed. Returns the number of sends, or 0 if stopped first. A
   * 413 splits the range in halves (the receiver's size limit is below ours).
   */
  private int deliver(int from, int to) throws IOException, InterruptedException {
    int attempt = 0;
    while (running) {
      byte[] payload = client.payload(encoded.subList(from, to));
      String error;
      boolean permanent = false;
      Duration retryAfter = null;
      try {
        HecClient.Answer a = client.send(payload);
        if (a.status() == 200) {
          if (!config.ack()) {
            return succeeded(attempt);
          }
          if (a.ackId() < 0) {
            permanent = true;
            error = "acks are on but the receiver returned no ackId (enable acks on the token)";
          } else if (awaitAck(a.ackId())) {
            return succeeded(attempt);
          } else {
            error = "ack " + a.ackId() + " not confirmed within " + config.ackTimeout();
          }
        } else if (a.status() == 413 && to - from > 1) {
          int mid = (from + to) >>> 1;
          int first = deliver(from, mid);
          return first == 0 ? 0 : first + deliver(mid, to);
        } else {
          error = "HTTP " + a.status() + " code " + a.code() + ": " + a.text();
          permanent = isPermanent(a.status());
          retryAfter = a.retryAfter();
        }
      } catch (IOException e) {
        error = "I/O error: " + e.getClass().getSimpleName() + ": " + client.redact(e.getMessage());
      }
      failed.incrementAndGet();
      lastAttemptOk = false;
      lastError = error;
      final String reported = error;
      final int retryNumber = attempt + 1;
      if (permanent) {
        permanent(error);
        pause(config.permanentFailureRetry());
      } else {
        Duration d = backoff.delay(attempt, retryAfter);
        if (attempt == 0) {
          LOG.log(Level.WARNING, "HEC send failed, retrying with backoff: {0}", error);
        }
        notify(() -> listener.retrying(reported, retryNumber, d));
        pause(d);
      }
      attempt++;
      if (running) {
        retried.incrementAndGet();
      }
    }
    return 0;
  }

  /**
   * 4xx other than 408/429 means our request or credentials are wrong: retrying soon won't help.
   */
  private static boolean isPermanent(int status) {
    return status >= 300 && status < 500 && status != 408 && status != 429;
  }

  private boolean awaitAck(long ackId) throws InterruptedException {
    long deadline = System.nanoTime() + config.ackTimeout().toNanos();
    while (running && System.nanoTime() - deadline < 0) {
      pause(config.ackPollInterval());
      try {
        if (client.acknowledged(ackId)) {
          return true;
        }
      } catch (IOException e) {
        // Keep polling until the timeout; the batch is resent if the ack never arrives.
        lastError = "ack poll: " + client.redact(e.getMessage());
      }
    }
    return false;
  }

  private int succeeded(int attempt) {
    lastAttemptOk = true;
    if (permanentFailure) {
      permanentFailure = false;
      LOG.log(Level.INFO, "HEC shipping recovered");
      notify(listener::recovered);
    } else if (attempt > 0) {
      LOG.log(Level.INFO, "HEC shipping recovered after {0} retries", attempt);
    }
    return attempt + 1;
  }

  private void commit(int attempts) throws IOException {
    long first = batch.get(0).sequence();
    long last = batch.get(batch.size() - 1).sequence();
    int n = batch.size();
    cursor.commit(last);
    shipped.addAndGet(n);
    batches.incrementAndGet();
    clearBatch();
    oldestPending = carry == null ? null : Envelope.eventTime(carry);
    notify(() -> listener.batchShipped(first, last, n, attempts));
  }

  private void permanent(String error) {
    permanentFailure = true;
    lastError = error;
    LOG.log(
        Level.ERROR,
        "HEC shipping halted by a permanent error; no event is dropped and the batch is retried"
            + " every {0}: {1}",
        config.permanentFailureRetry(),
        error);
    notify(() -> listener.permanentFailure(error));
  }

  private void clearBatch() {
    batch.clear();
    encoded.clear();
    batchBytes = 0;
  }

  private static void notify(Runnable callback) {
    try {
      callback.run();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "HEC listener threw {0}", e.getClass().getName());
    }
  }

  private void pause(Duration d) throws InterruptedException {
    lock.lock();
    try {
      long nanos = d.toNanos();
      while (running && nanos > 0) {
        nanos = wake.awaitNanos(nanos);
      }
    } finally {
      lock.unlock();
    }
  }

  private void closeReader() {
    if (reader != null) {
      try {
        reader.close();
      } catch (IOException e) {
        LOG.log(Level.DEBUG, "closing journal reader failed", e);
      }
      reader = null;
    }
  }

  /** Asks the loop to end; an unconfirmed batch stays unshipped and is resent on next start. */
  public void stop() {
    running = false;
    lock.lock();
    try {
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  public boolean running() {
    return running;
  }

  public HecStats stats() {
    long last = cursor.lastShippedSequence();
    long head = Math.max(durableHead.getAsLong(), maxSeen);
    long backlog = Math.max(0, head - last);
    Instant oldest = oldestPending;
    Duration age =
        backlog > 0 && oldest != null
            ? Duration.ofMillis(Math.max(0, clock.millis() - oldest.toEpochMilli()))
            : Duration.ZERO;
    return new HecStats(
        backlog,
        (long) (backlog * meanEnvelopeBytes),
        age,
        last,
        shipped.get(),
        retried.get(),
        failed.get(),
        batches.get(),
        lastError,
        permanentFailure,
        running && !permanentFailure && lastAttemptOk);
  }
}
