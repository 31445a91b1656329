package dev.agentbroker.audit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Journal settings.
 *
 * @param directory where segment files live (created if missing)
 * @param segmentMaxBytes rotate to a new segment before a record would push the current one past
 *     this size; a single record larger than this still gets written, alone in its segment
 * @param maxPending bound on queued appends; beyond it append fails fast with BACKLOG_FULL so a
 *     stuck disk turns into refusals instead of unbounded memory and latency
 * @param appendTimeout how long append waits for durability before failing with TIMEOUT
 * @param commitLinger how long the writer waits, after taking the first record of a batch, for more
 *     records before writing and fsyncing (it stops early at the batch size limit). Zero (default)
 *     writes at once. A few milliseconds turn a high rate of appends into far fewer fsyncs, at the
 *     price of that much added latency for every append, synchronous ones too. Must be shorter than
 *     {@code appendTimeout}, or a lone synchronous append could never succeed.
 * @param key HMAC key for a keyed (tamper-evident against rewriting) chain; null writes the unkeyed
 *     legacy chain. A journal that is already keyed refuses to open without its key.
 * @param checkpointEvery with a key, write {@code checkpoint.json} after at least this many records
 * @param checkpointInterval with a key, also write it when this much time has passed since the last
 *     one and records were added
 * @param migrateLegacy with a key, accept a journal holding only unkeyed records and start the
 *     keyed chain after them (genesis record); without it such a journal refuses to open, so a
 *     journal rewritten unkeyed by someone without the key is not silently adopted
 */
public record JournalConfig(
    Path directory,
    long segmentMaxBytes,
    int maxPending,
    Duration appendTimeout,
    Duration commitLinger,
    JournalKey key,
    int checkpointEvery,
    Duration checkpointInterval,
    boolean migrateLegacy) {

  public static final long DEFAULT_SEGMENT_MAX_BYTES = 64L * 1024 * 1024;
  public static final int DEFAULT_MAX_PENDING = 10_000;
  public static final Duration DEFAULT_APPEND_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_COMMIT_LINGER = Duration.ZERO;
  public static final int DEFAULT_CHECKPOINT_EVERY = 1000;
  public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(10);

  public JournalConfig {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(appendTimeout, "appendTimeout");
    Objects.requireNonNull(commitLinger, "commitLinger");
    Objects.requireNonNull(checkpointInterval, "checkpointInterval");
    if (checkpointEvery <= 0) {
      throw new IllegalArgumentException("checkpointEvery must be positive");
    }
    if (checkpointInterval.isNegative() || checkpointInterval.isZero()) {
      throw new IllegalArgumentException("checkpointInterval must be positive");
    }
    if (segmentMaxBytes <= 0) {
      throw new IllegalArgumentException("segmentMaxBytes must be positive");
    }
    if (maxPending <= 0) {
      throw new IllegalArgumentException("maxPending must be positive");
    }
    if (appendTimeout.isNegative() || appendTimeout.isZero()) {
      throw new IllegalArgumentException("appendTimeout must be positive");
    }
    if (commitLinger.isNegative()) {
      throw new IllegalArgumentException("commitLinger must not be negative");
    }
    if (commitLinger.compareTo(appendTimeout) >= 0) {
      throw new IllegalArgumentException("commitLinger must be shorter than appendTimeout");
    }
  }

  /** Unkeyed, with default checkpoint settings. */
  public JournalConfig(
      Path directory,
      long segmentMaxBytes,
      int maxPending,
      Duration appendTimeout,
      Duration commitLinger) {
    this(
        directory,
        segmentMaxBytes,
        maxPending,
        appendTimeout,
        commitLinger,
        null,
        DEFAULT_CHECKPOINT_EVERY,
        DEFAULT_CHECKPOINT_INTERVAL,
        false);
  }

  /** Without a commit linger: every batch is written as soon as the writer takes it. */
  public JournalConfig(
      Path directory, long segmentMaxBytes, int maxPending, Duration appendTimeout) {
    this(directory, segmentMaxBytes, maxPending, appendTimeout, DEFAULT_COMMIT_LINGER);
  }

  /** 64 MiB segments, 10 000 pending appends, 5 s append timeout, no commit linger. */
  public static JournalConfig defaults(Path directory) {
    return new JournalConfig(
        directory, DEFAULT_SEGMENT_MAX_BYTES, DEFAULT_MAX_PENDING, DEFAULT_APPEND_TIMEOUT);
  }

  /** This configuration with another {@code commitLinger}. */
  public JournalConfig withCommitLinger(Duration commitLinger) {
    return copy(commitLinger, key, checkpointEvery, checkpointInterval, migrateLegacy);
  }

  /** This configuration with a keyed chain (null: unkeyed). */
  public JournalConfig withKey(JournalKey key) {
    return copy(commitLinger, key, checkpointEvery, checkpointInterval, migrateLegacy);
  }

  /** This configuration with another checkpoint cadence. */
  public JournalConfig withCheckpoints(int every, Duration interval) {
    return copy(commitLinger, key, every, interval, migrateLegacy);
  }

  /** This configuration with legacy migration allowed or not. */
  public JournalConfig withMigrateLegacy(boolean migrate) {
    return copy(commitLinger, key, checkpointEvery, checkpointInterval, migrate);
  }

  private JournalConfig copy(
      Duration commitLinger, JournalKey key, int every, Duration interval, boolean migrate) {
    return new JournalConfig(
        directory,
        segmentMaxBytes,
        maxPending,
        appendTimeout,
        commitLinger,
        key,
        every,
        interval,
        migrate);
  }
}
