package dev.agentbroker.audit.internal;

import dev.agentbroker.audit.Appended;
import dev.agentbroker.audit.AuditUnavailableException;
import dev.agentbroker.audit.JournalRecord;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One queued append. The claim/cancel race decides who owns a record whose caller times out: if the
 * caller cancels first the writer skips it, so a TIMEOUT for an unclaimed record guarantees it was
 * never written.
 */
final class PendingAppend {
  private static final int QUEUED = 0;
  private static final int CLAIMED = 1;
  private static final int CANCELLED = 2;

  final String eventJson;
  private final AtomicInteger state = new AtomicInteger(QUEUED);
  private final CountDownLatch done = new CountDownLatch(1);
  private JournalRecord written;
  private volatile Appended result;
  private volatile AuditUnavailableException.Reason failureReason;
  private volatile String failureMessage;
  private volatile Throwable failureCause;

  PendingAppend(String eventJson) {
    this.eventJson = eventJson;
  }

  /** Writer side: take ownership; false if the caller already gave up. */
  boolean claim() {
    return state.compareAndSet(QUEUED, CLAIMED);
  }

  /** Caller side: give up; true if the writer had not claimed it, so it will never be written. */
  boolean cancel() {
    return state.compareAndSet(QUEUED, CANCELLED);
  }

  void written(JournalRecord record) {
    this.written = record;
  }

  void succeed() {
    result = new Appended(written.sequence(), written.hash());
    done.countDown();
  }

  void fail(AuditUnavailableException.Reason reason, String message, Throwable cause) {
    failureReason = reason;
    failureMessage = message;
    failureCause = cause;
    done.countDown();
  }

  /** Returns the result, or null on timeout; throws the writer's failure. */
  Appended await(long timeoutNanos) throws InterruptedException, AuditUnavailableException {
    if (!done.await(timeoutNanos, TimeUnit.NANOSECONDS)) {
      return null;
    }
    if (result != null) {
      return result;
    }
    throw new AuditUnavailableException(failureReason, failureMessage, failureCause);
  }
}
