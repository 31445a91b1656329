package dev.agentbroker.audit.internal;

import dev.agentbroker.audit.AppendCallback;
import dev.agentbroker.audit.Appended;
import dev.agentbroker.audit.AuditUnavailableException;
import dev.agentbroker.audit.JournalRecord;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One queued append. The claim/cancel race decides who owns a record whose caller times out: if the
 * caller cancels first the writer skips it, so a TIMEOUT for an unclaimed record guarantees it was
 * never written.
 *
 * <p>An asynchronous append carries a callback instead of a waiting caller. It has no timeout, so
 * it is never cancelled and the writer's claim always wins.
 */
final class PendingAppend {
  private static final int QUEUED = 0;
  private static final int CLAIMED = 1;
  private static final int CANCELLED = 2;

  final String eventJson;
  private final AtomicInteger state = new AtomicInteger(QUEUED);
  private final CountDownLatch done = new CountDownLatch(1);
  // First completion wins: after a writer bug the whole batch is failed, including entries that
  // were already released, and a callback must still run exactly once.
  private final AtomicBoolean completed = new AtomicBoolean();
  private final AppendCallback callback;
  private final Consumer<RuntimeException> callbackError;
  private JournalRecord written;
  private volatile Appended result;
  private volatile AuditUnavailableException.Reason failureReason;
  private volatile String failureMessage;
  private volatile Throwable failureCause;

  /** A synchronous append; the caller waits in {@link #await}. */
  PendingAppend(String eventJson) {
    this(eventJson, null, null);
  }

  /**
   * An asynchronous append.
   *
   * @param callback run once on completion
   * @param callbackError told when the callback throws; the exception goes no further so the writer
   *     thread survives
   */
  PendingAppend(
      String eventJson, AppendCallback callback, Consumer<RuntimeException> callbackError) {
    this.eventJson = eventJson;
    this.callback = callback;
    this.callbackError = callbackError;
  }

  /** Writer side: take ownership; false if the caller already gave up. */
  boolean claim() {
    return state.compareAndSet(QUEUED, CLAIMED);
  }

  /** Caller side: give up; true if the writer had not claimed it, so it will never be written. */
  boolean cancel() {
    return callback == null && state.compareAndSet(QUEUED, CANCELLED);
  }

  void written(JournalRecord record) {
    this.written = record;
  }

  void succeed() {
    if (!completed.compareAndSet(false, true)) {
      return;
    }
    result = new Appended(written.sequence(), written.hash());
    done.countDown();
    notifyCallback(result, null);
  }

  void fail(AuditUnavailableException.Reason reason, String message, Throwable cause) {
    if (!completed.compareAndSet(false, true)) {
      return;
    }
    failureReason = reason;
    failureMessage = message;
    failureCause = cause;
    done.countDown();
    if (callback != null) {
      notifyCallback(null, new AuditUnavailableException(reason, message, cause));
    }
  }

  private void notifyCallback(Appended appended, AuditUnavailableException failure) {
    if (callback == null) {
      return;
    }
    try {
      callback.done(appended, failure);
    } catch (RuntimeException e) {
      callbackError.accept(e);
    }
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
