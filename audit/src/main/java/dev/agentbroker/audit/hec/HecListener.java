package dev.agentbroker.audit.hec;

import java.time.Duration;

/**
 * Per-shipper callbacks (unlike the Splunk logging library's single global error hook). Called on
 * the shipper's thread: keep them short. Exceptions thrown by a callback are caught and ignored so
 * a faulty listener cannot stop shipping. Error texts never contain the HEC token.
 */
public interface HecListener {
  /** A listener that ignores everything. */
  HecListener NONE = new HecListener() {};

  /**
   * A batch was accepted (and acknowledged, if acks are on) and the cursor moved to {@code
   * lastSequence}.
   *
   * @param attempts sends it took, 1 if the first one succeeded
   */
  default void batchShipped(long firstSequence, long lastSequence, int events, int attempts) {}

  /** A transient failure (network, 408, 429, 5xx, ack timeout); the batch is resent after delay. */
  default void retrying(String error, int attempt, Duration delay) {}

  /**
   * A permanent failure (400 invalid data, 401/403 token, 404 wrong URL, broken journal chain).
   * Shipping holds at the current batch, nothing is dropped, and the batch is retried every {@link
   * HecConfig#permanentFailureRetry()} so fixing the cause resumes shipping.
   */
  default void permanentFailure(String error) {}

  /** The first success after a permanent failure. */
  default void recovered() {}
}
