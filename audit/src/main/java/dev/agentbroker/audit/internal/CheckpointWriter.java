package dev.agentbroker.audit.internal;

import dev.agentbroker.audit.JournalConfig;
import dev.agentbroker.audit.JournalKey;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Keeps {@code checkpoint.json} close behind the durable head: due on the first commit after open,
 * then after {@code every} records or {@code interval} (by the injected clock), and at close.
 *
 * <p>The writer thread only decides and hands over (seq, hash) of records that are already fsync'd;
 * a separate thread writes the file (two fsyncs), so checkpoints cost group commit no throughput.
 * Requests coalesce: while one is being written only the newest waiting one is kept. At close the
 * final head is written synchronously, after any write in progress.
 */
final class CheckpointWriter {
  private final Path directory;
  private final JournalKey key;
  private final ChainMac mac;
  private final int every;
  private final Duration interval;
  private final Clock clock;
  private final Thread thread;
  // Writer thread only.
  private long lastRequestedSeq = -1;
  private Instant lastRequestedAt;
  // Guarded by this.
  private Checkpoints.Checkpoint waiting;
  private long writtenSeq = -1;
  private boolean busy;
  private boolean stopped;
  private String failure;

  private CheckpointWriter(
      Path directory, JournalKey key, int every, Duration interval, Clock clock) {
    this.directory = directory;
    this.key = key;
    this.mac = new ChainMac(key);
    this.every = every;
    this.interval = interval;
    this.clock = clock;
    this.thread = new Thread(this::run, "audit-journal-checkpoint");
    // Like the journal writer: a forgotten close must not keep the JVM alive.
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /**
   * A writer for a keyed journal, null for an unkeyed one (an unkeyed checkpoint proves nothing).
   */
  static CheckpointWriter forConfig(JournalConfig config, Clock clock) {
    return config.key() == null
        ? null
        : new CheckpointWriter(
            config.directory(),
            config.key(),
            config.checkpointEvery(),
            config.checkpointInterval(),
            clock);
  }

  /**
   * On the writer thread after a commit: requests a checkpoint of the durable head if one is due.
   *
   * @return null, or why the previous checkpoint write failed (the records are durable; only the
   *     local truncation evidence is stale, so this fails no append)
   */
  String committed(long headSeq, String headHash) {
    if (headSeq != lastRequestedSeq && headSeq > 0) {
      Instant now = clock.instant();
      if (lastRequestedAt == null
          || headSeq - lastRequestedSeq >= every
          || !now.isBefore(lastRequestedAt.plus(interval))) {
        lastRequestedSeq = headSeq;
        lastRequestedAt = now;
        synchronized (this) {
          waiting = new Checkpoints.Checkpoint(headSeq, headHash, now);
          notifyAll();
        }
      }
    }
    return takeFailure();
  }

  /**
   * At close, on the writer thread: waits for a write in progress, writes the final head, stops.
   *
   * @return null or why writing failed
   */
  String closing(long headSeq, String headHash) {
    synchronized (this) {
      stopped = true;
      notifyAll();
      while (busy) {
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return "interrupted while writing the final checkpoint";
        }
      }
      waiting = null;
      if (headSeq > writtenSeq && headSeq > 0) {
        write(new Checkpoints.Checkpoint(headSeq, headHash, clock.instant()));
      }
      notifyAll();
    }
    return takeFailure();
  }

  /** Blocks until every requested checkpoint is on disk (tests and close). */
  synchronized void flush() throws InterruptedException {
    while (busy || waiting != null) {
      wait();
    }
  }

  private void run() {
    while (true) {
      Checkpoints.Checkpoint next;
      synchronized (this) {
        while (waiting == null && !stopped) {
          try {
            wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (stopped) {
          return;
        }
        next = waiting;
        waiting = null;
        busy = true;
      }
      // Outside the lock: the writer thread must be able to hand over the next one meanwhile.
      String error = null;
      try {
        Checkpoints.write(directory, key, mac, next);
      } catch (IOException | RuntimeException e) {
        error = "checkpoint write failed: " + e.getMessage();
      }
      synchronized (this) {
        busy = false;
        if (error == null) {
          writtenSeq = Math.max(writtenSeq, next.seq());
        } else {
          failure = error;
        }
        notifyAll();
      }
    }
  }

  /** Synchronous write under the lock (close only; the background thread is done by then). */
  private void write(Checkpoints.Checkpoint cp) {
    try {
      Checkpoints.write(directory, key, mac, cp);
      writtenSeq = cp.seq();
    } catch (IOException | RuntimeException e) {
      failure = "checkpoint write failed: " + e.getMessage();
    }
  }

  private synchronized String takeFailure() {
    String f = failure;
    failure = null;
    return f;
  }
}
