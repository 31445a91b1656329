package dev.agentbroker.audit.internal;

import dev.agentbroker.audit.Appended;
import dev.agentbroker.audit.AuditEvent;
import dev.agentbroker.audit.AuditEventJson;
import dev.agentbroker.audit.AuditJournal;
import dev.agentbroker.audit.AuditUnavailableException;
import dev.agentbroker.audit.AuditUnavailableException.Reason;
import dev.agentbroker.audit.JournalConfig;
import dev.agentbroker.audit.JournalRecord;
import dev.agentbroker.audit.JournalStats;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Group-commit journal. Callers enqueue and block; one writer thread drains the queue, writes every
 * pending record, fsyncs once per batch and then releases all callers of that batch. One fsync per
 * batch rather than per event is what makes "durable before acting" affordable under load.
 */
public final class JournalEngine implements AuditJournal {
  static final String LOCK_FILE = "journal.lock";
  private static final int MAX_BATCH = 4096;
  // How often an idle writer re-checks for close; appends wake it immediately.
  private static final long IDLE_POLL_MILLIS = 50;

  private final JournalConfig config;
  private final Clock clock;
  private final BlockingQueue<PendingAppend> queue;
  // Read side: appends checking state and enqueuing. Write side: close. Guarantees nothing is
  // enqueued after the writer has been told to drain and stop.
  private final ReadWriteLock stateLock = new ReentrantReadWriteLock();
  private final SegmentWriter segments;
  private final FileChannel lockChannel;
  private final FileLock fileLock;
  private final Thread writer;
  private final LongAdder appended = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder batches = new LongAdder();
  private final LongAdder fsyncs = new LongAdder();
  private volatile boolean closed;
  private volatile boolean wedged;
  private volatile boolean lastWriteFailed;
  private volatile String lastError;

  private JournalEngine(
      JournalConfig config,
      Clock clock,
      SegmentWriter segments,
      FileChannel lockChannel,
      FileLock fileLock) {
    this.config = config;
    this.clock = clock;
    this.queue = new ArrayBlockingQueue<>(config.maxPending());
    this.segments = segments;
    this.lockChannel = lockChannel;
    this.fileLock = fileLock;
    this.writer = new Thread(this::runWriter, "audit-journal-writer");
    // Daemon: a forgotten close() must not keep the JVM alive; the on-disk format is crash-safe.
    this.writer.setDaemon(true);
  }

  public static JournalEngine open(JournalConfig config, Clock clock, ChannelOpener opener)
      throws IOException {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(clock, "clock");
    Files.createDirectories(config.directory());
    FileChannel lockChannel =
        FileChannel.open(
            config.directory().resolve(LOCK_FILE),
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE);
    FileLock lock;
    try {
      // Two writers on one directory would fork the chain.
      lock = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      lockChannel.close();
      throw new IOException("audit journal " + config.directory() + " is already open");
    }
    try {
      Recovery.State state = Recovery.recover(config.directory());
      SegmentWriter segments =
          new SegmentWriter(config.directory(), opener, config.segmentMaxBytes(), state);
      JournalEngine engine = new JournalEngine(config, clock, segments, lockChannel, lock);
      engine.writer.start();
      return engine;
    } catch (IOException | RuntimeException e) {
      lockChannel.close();
      throw e;
    }
  }

  @Override
  public Appended append(AuditEvent event) throws AuditUnavailableException {
    Objects.requireNonNull(event, "event");
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

  private Appended enqueueAndAwait(PendingAppend pending) throws AuditUnavailableException {
    stateLock.readLock().lock();
    try {
      if (closed) {
        throw new AuditUnavailableException(Reason.CLOSED, "audit journal is closed");
      }
      if (wedged) {
        throw new AuditUnavailableException(Reason.IO_ERROR, wedgedMessage());
      }
      if (!queue.offer(pending)) {
        throw new AuditUnavailableException(
            Reason.BACKLOG_FULL, config.maxPending() + " appends already pending");
      }
    } finally {
      stateLock.readLock().unlock();
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
    List<PendingAppend> batch = new ArrayList<>();
    while (true) {
      PendingAppend first;
      try {
        first = queue.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        first = null;
      }
      if (first == null) {
        if (closed && queue.isEmpty()) {
          return;
        }
        continue;
      }
      batch.clear();
      batch.add(first);
      queue.drainTo(batch, MAX_BATCH - 1);
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
        JournalRecord record = segments.stage(claimed.get(i).eventJson);
        byte[] line = SegmentWriter.lineBytes(record);
        if (segments.needsRotation(line.length)) {
          segments.rotate();
        }
        while (true) {
          segments.write(record, line);
          claimed.get(i).written(record);
          i++;
          if (i == n) {
            break;
          }
          record = segments.stage(claimed.get(i).eventJson);
          line = SegmentWriter.lineBytes(record);
          if (segments.needsRotation(line.length)) {
            break;
          }
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
      // Stats first, so a released caller already sees its own append reflected in them.
      appended.add(i - runStart);
      lastWriteFailed = false;
      for (int k = runStart; k < i; k++) {
        claimed.get(k).succeed();
      }
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
  public JournalStats stats() {
    return new JournalStats(
        appended.sum(),
        failed.sum(),
        batches.sum(),
        fsyncs.sum(),
        queue.size(),
        segments.headSeq(),
        lastError,
        !closed && !wedged && !lastWriteFailed);
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
    Path dir = config.directory();
    List<Segments.Segment> all = Segments.list(dir);
    long activeFirst = segments.active().firstSeq();
    long head = segments.headSeq();
    Instant cutoff = clock.instant().minus(retention);
    int deleted = 0;
    // Only a prefix is removed, so what remains is always one contiguous, verifiable chain.
    for (int i = 0; i + 1 < all.size(); i++) {
      Segments.Segment candidate = all.get(i);
      long nextFirst = all.get(i + 1).firstSeq();
      boolean eligible =
          candidate.firstSeq() < activeFirst
              && nextFirst - 1 <= shippedThroughSeq
              && nextFirst <= head
              && !Files.getLastModifiedTime(candidate.path()).toInstant().isAfter(cutoff);
      if (!eligible) {
        break;
      }
      Files.delete(candidate.path());
      deleted++;
    }
    if (deleted > 0) {
      Segments.fsyncDirectory(dir);
    }
    return deleted;
  }

  /** Sequence of the last fsync'd record; readers must not go past it. */
  public long durableHead() {
    return segments.headSeq();
  }

  public Path directory() {
    return config.directory();
  }

  @Override
  public void close() {
    stateLock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
    } finally {
      stateLock.writeLock().unlock();
    }
    try {
      // Bounded: a hung disk must not hang shutdown forever; callers time out on their own.
      writer.join(Math.max(1000, config.appendTimeout().toMillis() * 2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (writer.isAlive()) {
      noteError("writer still busy at close; files left open");
      return;
    }
    try {
      segments.close();
    } catch (IOException e) {
      noteError("closing segment failed: " + e.getMessage());
    }
    try {
      fileLock.release();
      lockChannel.close();
    } catch (IOException e) {
      noteError("releasing journal lock failed: " + e.getMessage());
    }
  }
}
