package dev.agentbroker.audit;

/**
 * Point-in-time counters for health checks and metrics.
 *
 * @param appended events confirmed durable since open
 * @param failed appends that failed since open: thrown {@link AuditUnavailableException}s plus
 *     asynchronous appends whose callback got a failure
 * @param batches group-commit batches written
 * @param fsyncs {@code force} calls on segment files (one per batch, plus one per rotation run)
 * @param pending appends queued but not yet picked up by the writer
 * @param lastSequence sequence of the last durable record (0 if the journal is empty)
 * @param lastError description of the most recent failure, or null; never contains event data
 * @param healthy false if closed, wedged, or the most recent write attempt failed
 * @param callbackErrors {@link AppendCallback}s that threw (caught so the writer keeps going)
 */
public record JournalStats(
    long appended,
    long failed,
    long batches,
    long fsyncs,
    int pending,
    long lastSequence,
    String lastError,
    boolean healthy,
    long callbackErrors) {}
