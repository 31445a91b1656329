package dev.agentbroker.audit;

import dev.agentbroker.audit.internal.ChannelOpener;
import dev.agentbroker.audit.internal.JournalEngine;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * The production {@link AuditJournal}: a directory of append-only, hash-chained JSONL segments with
 * group commit. See the module README for the on-disk format and guarantees.
 */
public final class FileJournal implements AuditJournal {
  private final JournalEngine engine;

  private FileJournal(JournalEngine engine) {
    this.engine = engine;
  }

  /**
   * Opens (creating if needed) the journal, repairing a torn trailing line and verifying the tail
   * of the chain.
   *
   * @throws IOException if the directory is unusable, already open, or its chain tail is broken
   */
  public static FileJournal open(JournalConfig config, Clock clock) throws IOException {
    return new FileJournal(JournalEngine.open(config, clock, ChannelOpener.DEFAULT));
  }

  @Override
  public Appended append(AuditEvent event) throws AuditUnavailableException {
    return engine.append(event);
  }

  /**
   * Queues {@code event} and returns at once; {@code callback} runs once the event is fsync'd (or
   * failed), on the journal's writer thread (it must be quick and must not append synchronously).
   * When the append is refused up front (journal closed, wedged, queue full = BACKLOG_FULL) the
   * callback runs on the calling thread before this method returns. No timeout applies: a queued
   * event is eventually written or failed; close() writes what is queued and completes every
   * callback.
   *
   * <p>Ordering, hash chain, batching, failure reasons and {@link #stats()} counters are shared
   * with {@link #append}: both kinds go through one queue. Never blocks on I/O, so it is safe on an
   * event loop thread.
   */
  @Override
  public void appendAsync(AuditEvent event, AppendCallback callback) {
    engine.appendAsync(event, callback);
  }

  @Override
  public boolean healthy() {
    return engine.healthy();
  }

  @Override
  public JournalStats stats() {
    return engine.stats();
  }

  /**
   * Removes the oldest whole segments whose every record has sequence {@code <= shippedThroughSeq}
   * and that were last modified at least {@code retention} ago. The active segment, and the segment
   * holding the chain head, are never removed.
   *
   * @return the number of segment files deleted
   */
  public int deleteShippedSegments(long shippedThroughSeq, Duration retention) throws IOException {
    return engine.deleteShippedSegments(shippedThroughSeq, retention);
  }

  /**
   * A reader over this journal that only returns fsync'd records, for an in-process shipper.
   *
   * @param fromSequence first sequence wanted (1 for everything retained)
   */
  public JournalReader reader(long fromSequence) {
    return JournalReader.bounded(directory(), fromSequence, engine.key(), engine::durableHead);
  }

  public Path directory() {
    return engine.directory();
  }

  @Override
  public void close() {
    engine.close();
  }
}
