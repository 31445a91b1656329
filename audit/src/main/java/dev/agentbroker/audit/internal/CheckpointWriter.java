package dev.agentbroker.audit.internal;

import dev.agentbroker.audit.JournalConfig;
import dev.agentbroker.audit.JournalKey;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Decides when the writer refreshes {@code checkpoint.json}: on the first commit after open, then
 * after {@code every} records or {@code interval} (by the injected clock), and at close. Runs only
 * on the writer thread, after a run's fsync and before its callers are released.
 */
final class CheckpointWriter {
  private final Path directory;
  private final JournalKey key;
  private final ChainMac mac;
  private final int every;
  private final Duration interval;
  private final Clock clock;
  private long lastSeq = -1;
  private Instant lastAt;

  CheckpointWriter(Path directory, JournalKey key, int every, Duration interval, Clock clock) {
    this.directory = directory;
    this.key = key;
    this.mac = new ChainMac(key);
    this.every = every;
    this.interval = interval;
    this.clock = clock;
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
   * After a commit ({@code closing} false) or at close: writes a checkpoint if one is due.
   *
   * @return null, or why writing failed (the records are durable; only the local truncation
   *     evidence is stale, so this fails no append)
   */
  String refresh(boolean closing, long headSeq, String headHash) {
    try {
      if (closing) {
        closing(headSeq, headHash);
      } else {
        committed(headSeq, headHash);
      }
      return null;
    } catch (IOException e) {
      return "checkpoint write failed: " + e.getMessage();
    }
  }

  /** After a commit: writes a checkpoint if one is due. */
  void committed(long headSeq, String headHash) throws IOException {
    if (headSeq == lastSeq || headSeq == 0) {
      return;
    }
    Instant now = clock.instant();
    boolean due =
        lastAt == null || headSeq - lastSeq >= every || !now.isBefore(lastAt.plus(interval));
    if (due) {
      write(headSeq, headHash, now);
    }
  }

  /** At close: records the final head if it moved since the last checkpoint. */
  void closing(long headSeq, String headHash) throws IOException {
    if (headSeq != lastSeq && headSeq > 0) {
      write(headSeq, headHash, clock.instant());
    }
  }

  private void write(long headSeq, String headHash, Instant now) throws IOException {
    Checkpoints.write(directory, key, mac, new Checkpoints.Checkpoint(headSeq, headHash, now));
    lastSeq = headSeq;
    lastAt = now;
  }
}
