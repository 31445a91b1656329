package dev.agentbroker.audit.hec;

import java.time.Duration;

/**
 * Point-in-time shipping state for metrics and health.
 *
 * @param backlogEvents durable journal records not yet confirmed shipped
 * @param backlogBytes estimate of their serialized HEC size (backlog × mean envelope size seen)
 * @param oldestUnshippedAge age (by the shipper's clock) of the oldest record being shipped; ZERO
 *     when caught up
 * @param lastShippedSequence the cursor
 * @param shipped events confirmed since start (a resent event counts each time it is confirmed)
 * @param retried resends of a batch after a failure or ack timeout
 * @param failed failed send attempts (any non-success answer or I/O error)
 * @param batches batches confirmed
 * @param lastError most recent failure description, or null; never contains the token
 * @param permanentFailure a permanent error holds shipping until it is fixed
 * @param healthy running, no permanent failure and the last attempt succeeded
 */
public record HecStats(
    long backlogEvents,
    long backlogBytes,
    Duration oldestUnshippedAge,
    long lastShippedSequence,
    long shipped,
    long retried,
    long failed,
    long batches,
    String lastError,
    boolean permanentFailure,
    boolean healthy) {}
