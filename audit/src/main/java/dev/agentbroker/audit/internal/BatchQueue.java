package dev.agentbroker.audit.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The bounded queue between appenders and the single writer, and how the writer cuts it into
 * group-commit batches. Synchronous and asynchronous appends share it, which is what gives them one
 * order and one chain.
 */
final class BatchQueue {
  static final int MAX_BATCH = 4096;

  private final BlockingQueue<PendingAppend> queue;
  private final long lingerNanos;

  BatchQueue(int capacity, Duration commitLinger) {
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.lingerNanos = commitLinger.toNanos();
  }

  /** Never blocks: false when full, so a stuck disk turns into refusals, not blocked callers. */
  boolean offer(PendingAppend pending) {
    return queue.offer(pending);
  }

  int size() {
    return queue.size();
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  /**
   * Appends the next batch, in queue order, to {@code batch}: waits up to {@code idleMillis} for a
   * first record (adding nothing if none comes), takes whatever else is queued, and then, with a
   * commit linger, keeps collecting for that long after the first record so one fsync covers more
   * records. Stops at MAX_BATCH. Interrupts end the wait early and are otherwise ignored: the
   * writer is never interrupted on purpose, and an interrupt during force() would close the
   * channel.
   */
  void nextBatch(List<PendingAppend> batch, long idleMillis) {
    PendingAppend first;
    try {
      first = queue.poll(idleMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      return;
    }
    if (first == null) {
      return;
    }
    long deadline = System.nanoTime() + lingerNanos;
    batch.add(first);
    queue.drainTo(batch, MAX_BATCH - batch.size());
    while (lingerNanos > 0 && batch.size() < MAX_BATCH) {
      // A close during the wait delays shutdown by at most the linger: nothing new can arrive.
      long left = deadline - System.nanoTime();
      PendingAppend next;
      try {
        next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
      } catch (InterruptedException e) {
        return;
      }
      if (next == null) {
        return;
      }
      batch.add(next);
      queue.drainTo(batch, MAX_BATCH - batch.size());
    }
  }
}
