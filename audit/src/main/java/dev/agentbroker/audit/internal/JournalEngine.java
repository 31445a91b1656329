package dev.agentbroker.audit.internal;

import dev.agentbroker.audit.AppendCallback;
import dev.agentbroker.audit.Appended;
import dev.agentbroker.audit.AuditEvent;
import dev.agentbroker.audit.AuditEventJson;
import dev.agentbroker.audit.AuditJournal;
import dev.agentbroker.audit.AuditUnavailableException;
import dev.agentbroker.audit.AuditUnavailableException.Reason;
import dev.agentbroker.audit.JournalConfig;
import dev.agentbroker.audit.JournalKey;
import dev.agentbroker.audit.JournalRecord;
import dev.agentbroker.audit.JournalStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Group-commit journal. Callers enqueue and block; one writer thread drains the queue, writes every
 * pending record, fsyncs once per batch and then releases all callers of that batch. One fsync per
 * batch rather than per event is what makes "durable before acting" affordable under load.
 * Asynchronous appends share the queue (so ordering and the chain are the same) but are released by
 * running their callback on the writer thread instead of waking a blocked caller.
 */
public final class JournalEngine implements AuditJournal {
  // How often an idle writer re-checks for close; appends wake it immediately.
  private static final long IDLE_POLL_MILLIS = 50;

  private final JournalConfig config;
  private final Clock clock;
  private final BatchQueue queue;
  // Read side: appends checking state and enqueuing. Write side: close. Guarantees nothing is
  // enqueued after the writer has been told to drain and stop.
  private final ReadWriteLock stateLock = new ReentrantReadWriteLock();
  private final SegmentWriter segments;
  // Null for an unkeyed journal: an unkeyed checkpoint would prove nothing.
  private final CheckpointWriter checkpoints;
  private final DirectoryLock lock;
  private final Thread writer;
  private final LongAdder appended = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder batches = new LongAdder();
  private final LongAdder fsyncs = new LongAdder();
  private final LongAdder callbackErrors = new LongAdder();
  private volatile boolean closed;
  private volatile boolean wedged;
  private volatile boolean lastWriteFailed;
  private volatile String lastError;

  private JournalEngine(
      JournalConfig config, Clock clock, SegmentWriter segments, DirectoryLock lock) {
    this.config = config;
    this.clock = clock;
    this.queue = new BatchQueue(config.maxPending(), config.commitLinger());
    this.segments = segments;
    this.checkpoints = CheckpointWriter.forConfig(config, clock);
    this.lock = lock;
    this.writer = new Thread(this::runWriter, "audit-journal-writer");
    // Daemon: a forgotten close() must not keep the JVM alive; the on-disk format is crash-safe.
    this.writer.setDaemon(true);
  }

  public static JournalEngine open(JournalConfig config, Clock clock, ChannelOpener opener)
      throws IOException {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(clock, "clock");
    Files.createDirectories(config.directory());
    DirectoryLock lock = DirectoryLock.acquire(config.directory());
    try {
      Recovery.State state = Recovery.recover(config.directory(), config.key());
      long legacyThrough = KeyedStart.genesisNeeded(config, state);
      ChainMac mac = config.key() == null ? null : new ChainMac(config.key());
      SegmentWriter segments =
          new SegmentWriter(config.directory(), opener, config.segmentMaxBytes(), state, mac);
      JournalEngine engine = new JournalEngine(config, clock, segments, lock);
      engine.writer.start();
      if (legacyThrough >= 0) {
        KeyedStart.writeGenesis(engine, config.key(), clock, legacyThrough);
      }
      return engine;
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  @Override
  public Appended append(AuditEvent event) throws AuditUnavailableException {
    Objects.requireNonNull(event, "event");
    if (Thread.currentThread() == writer) {
      // From an AppendCallback: the writer would wait for itself until appendTimeout.
      throw new IllegalStateException(
          "synchronous append on the audit journal writer thread; use appendAsync");
    }
    try {
      return enqueueAndAwait(new PendingAppend(AuditEventJson.toJson(event)));
    } catch (AuditUnavailableException e) {
      failed.increment();
      if (e.reason() != Reason.IO_ERROR) {
        noteError(e.getMessage());
      }
      throw e;
    }
  }

  /**
   * Queues {@code event} without waiting; {@code callback} runs on the writer thread once the event
   * is durable or has failed, or on this thread before returning if the append is refused.
   */
  @Override
  public void appendAsync(AuditEvent event, AppendCallback callback) {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(callback, "callback");
    AppendCallback counted =
        (appended, failure) -> {
          // Counted before the caller hears of it, as for synchronous appends.
          if (failure != null) {
            failed.increment();
          }
          callback.done(appended, failure);
        };
    PendingAppend pending =
        new PendingAppend(AuditEventJson.toJson(event), counted, this::callbackThrew);
    Reason refused = offer(pending);
    if (refused != null) {
      if (refused != Reason.IO_ERROR) {
        noteError(refused + ": " + refusal(refused));
      }
      pending.fail(refused, refusal(refused), null);
    }
  }

  private void callbackThrew(RuntimeException e) {
    callbackErrors.increment();
    // The class only: the message could carry anything, and lastError must not hold event data.
    noteError("append callback threw " + e.getClass().getName() + " (ignored)");
  }

  /** Queues without waiting; returns why the append was refused, or null if it was queued. */
  private Reason offer(PendingAppend pending) {
    stateLock.readLock().lock();
    try {
      if (closed) {
        return Reason.CLOSED;
      }
      if (wedged) {
        return Reason.IO_ERROR;
      }
      return queue.offer(pending) ? null : Reason.BACKLOG_FULL;
    } finally {
      stateLock.readLock().unlock();
    }
  }

  private String refusal(Reason reason) {
    return switch (reason) {
      case CLOSED -> "audit journal is closed";
      case IO_ERROR -> wedgedMessage();
      default -> config.maxPending() + " appends already pending";
    };
  }

  private Appended enqueueAndAwait(PendingAppend pending) throws AuditUnavailableException {
    Reason refused = offer(pending);
    if (refused != null) {
      throw new AuditUnavailableException(refused, refusal(refused));
    }
    Appended result;
    try {
      result = pending.await(config.appendTimeout().toNanos());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw timeout(pending, "interrupted while waiting for durability");
    }
    if (result == null) {
      throw timeout(pending, "not durable within " + config.appendTimeout());
    }
    return result;
  }

  private static AuditUnavailableException timeout(PendingAppend pending, String why) {
    if (pending.cancel()) {
      return new AuditUnavailableException(Reason.TIMEOUT, why + "; the event was not journaled");
    }
    return new AuditUnavailableException(
        Reason.TIMEOUT, why + "; the write was in progress, the event may still be journaled");
  }

  private void runWriter() {
    try {
      writeUntilClosed();
    } finally {
      // Here rather than in close(): close() may be called from a callback on this very thread,
      // or give up waiting for a hung disk; either way the files go once the queue is done.
      releaseFiles();
    }
  }

  private void writeUntilClosed() {
    List<PendingAppend> batch = new ArrayList<>();
    while (true) {
      batch.clear();
      queue.nextBatch(batch, IDLE_POLL_MILLIS);
      if (batch.isEmpty()) {
        if (closed && queue.isEmpty()) {
          return;
        }
        continue;
      }
      List<PendingAppend> claimed = new ArrayList<>(batch.size());
      for (PendingAppend p : batch) {
        if (p.claim()) {
          claimed.add(p);
        }
      }
      if (claimed.isEmpty()) {
        continue;
      }
      try {
        writeBatch(claimed);
      } catch (RuntimeException | Error e) {
        // A bug must not leave callers hanging or the chain in an unknown state: stop writing.
        wedged = true;
        lastWriteFailed = true;
        noteError("writer failed: " + e.getClass().getSimpleName());
        failFrom(claimed, 0, Reason.IO_ERROR, wedgedMessage(), e);
      }
    }
  }

  /**
   * Writes a batch as one or more runs; a run ends at a segment boundary or the batch end and is
   * committed with a single fsync before its callers are released.
   */
  private void writeBatch(List<PendingAppend> claimed) {
    batches.increment();
    if (wedged) {
      failFrom(claimed, 0, Reason.IO_ERROR, wedgedMessage(), null);
      return;
    }
    int i = 0;
    int n = claimed.size();
    while (i < n) {
      int runStart = i;
      try {
        while (i < n) {
          JournalRecord record = segments.stage(claimed.get(i).eventJson);
          byte[] line = SegmentWriter.lineBytes(record);
          if (segments.needsRotation(line.length)) {
            if (i > runStart) {
              break; // commit this run first; the next one starts in a new segment
            }
            segments.rotate();
          }
          segments.write(record, line);
          claimed.get(i).written(record);
          i++;
        }
        segments.commit();
        fsyncs.increment();
      } catch (IOException e) {
        if (!segments.rollback()) {
          wedged = true;
        }
        lastWriteFailed = true;
        String what = e.getClass().getSimpleName() + ": " + e.getMessage();
        noteError(wedged ? what + " (rollback failed; journal wedged until reopened)" : what);
        failFrom(claimed, runStart, Reason.IO_ERROR, "audit write failed: " + what, e);
        return;
      }
      // Only hands (seq, hash) of durable records to the checkpoint thread: no I/O here.
      checkpoint(false);
      // Stats first, so a released caller already sees its own append reflected in them.
      appended.add(i - runStart);
      lastWriteFailed = false;
      for (int k = runStart; k < i; k++) {
        claimed.get(k).succeed();
      }
    }
  }

  /** Hands the durable head to the checkpoint writer if due; a failure fails no append. */
  private void checkpoint(boolean closing) {
    if (checkpoints != null && (closing || !wedged)) {
      // Wedged: stop the checkpoint thread without writing (-1); the head may be in doubt.
      String failure =
          closing
              ? checkpoints.closing(wedged ? -1 : segments.headSeq(), segments.headHash())
              : checkpoints.committed(segments.headSeq(), segments.headHash());
      if (failure != null) {
        noteError(failure);
      }
    }
  }

  /** Waits until requested checkpoints are written; for tests (not API: internal package). */
  public void awaitCheckpoints() throws InterruptedException {
    if (checkpoints != null) {
      checkpoints.flush();
    }
  }

  private static void failFrom(
      List<PendingAppend> claimed, int from, Reason reason, String message, Throwable cause) {
    for (int k = from; k < claimed.size(); k++) {
      claimed.get(k).fail(reason, message, cause);
    }
  }

  private static String wedgedMessage() {
    return "audit journal is wedged after a failed rollback and refuses writes until reopened";
  }

  private void noteError(String message) {
    // Messages come from this class or IOExceptions (paths, errno text), never event contents.
    lastError = clock.instant() + " " + message;
  }

  @Override
  public boolean healthy() {
    return !closed && !wedged && !lastWriteFailed;
  }

  @Override
  public JournalStats stats() {
    return new JournalStats(
        appended.sum(),
        failed.sum(),
        batches.sum(),
        fsyncs.sum(),
        queue.size(),
        segments.headSeq(),
        lastError,
        healthy(),
        callbackErrors.sum());
  }

  /**
   * Deletes the oldest segments that are fully shipped and were last modified more than {@code
   * retention} ago (by the injected clock). Never deletes the active segment nor the segment
   * holding the chain head, so the chain can always be resumed after a restart.
   *
   * @return number of segments deleted
   */
  public int deleteShippedSegments(long shippedThroughSeq, Duration retention) throws IOException {
    Objects.requireNonNull(retention, "retention");
    return Segments.deleteShippedPrefix(
        config.directory(),
        segments.active().firstSeq(),
        segments.headSeq(),
        shippedThroughSeq,
        clock.instant().minus(retention));
  }

  /** Sequence of the last fsync'd record; readers must not go past it. */
  public long durableHead() {
    return segments.headSeq();
  }

  public Path directory() {
    return config.directory();
  }

  /** The chain key, or null for an unkeyed journal. */
  public JournalKey key() {
    return config.key();
  }

  @Override
  public void close() {
    stateLock.writeLock().lock();
    try {
      closed = true;
    } finally {
      stateLock.writeLock().unlock();
    }
    // Even when already closed: a close() from a callback returns at once, so a later one must
    // still be able to wait for the writer to drain the queue and release the files.
    if (Thread.currentThread() == writer) {
      // From a callback: the writer drains the queue and releases the files when it gets back.
      return;
    }
    try {
      // Bounded: a hung disk must not hang shutdown forever; callers time out on their own.
      writer.join(Math.max(1000, config.appendTimeout().toMillis() * 2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (writer.isAlive()) {
      noteError("writer still busy at close; it releases the files when it finishes");
    }
  }

  private void releaseFiles() {
    checkpoint(true);
    try {
      segments.close();
    } catch (IOException e) {
      noteError("closing segment failed: " + e.getMessage());
    }
    try {
      lock.close();
    } catch (IOException e) {
      noteError("releasing journal lock failed: " + e.getMessage());
    }
  }
}
