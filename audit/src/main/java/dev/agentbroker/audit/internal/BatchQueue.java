package dev.agentbroker.audit.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

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
   * first record (adding nothing if none comes), then, with a commit linger, sleeps until that long
   * after the first record so one fsync covers more records, and takes whatever is queued, at most
   * MAX_BATCH. Interrupts end the wait early and are otherwise ignored: the writer is never
   * interrupted on purpose, and an interrupt during force() would close the channel.
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
    if (lingerNanos > 0) {
      // Sleep through the linger instead of polling: a poll would be woken (a futex call on each
      // side) by every single append, which is exactly the per-event cost the linger is there to
      // save. A close during the wait delays shutdown by at most the linger.
      long left;
      while ((left = deadline - System.nanoTime()) > 0 && queue.size() < MAX_BATCH) {
        LockSupport.parkNanos(this, left);
        if (Thread.interrupted()) {
          break;
        }
      }
    }
    queue.drainTo(batch, MAX_BATCH - batch.size());
  }
}
