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
 */
public record JournalConfig(
    Path directory,
    long segmentMaxBytes,
    int maxPending,
    Duration appendTimeout,
    Duration commitLinger) {

  public static final long DEFAULT_SEGMENT_MAX_BYTES = 64L * 1024 * 1024;
  public static final int DEFAULT_MAX_PENDING = 10_000;
  public static final Duration DEFAULT_APPEND_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_COMMIT_LINGER = Duration.ZERO;

  public JournalConfig {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(appendTimeout, "appendTimeout");
    Objects.requireNonNull(commitLinger, "commitLinger");
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
    return new JournalConfig(directory, segmentMaxBytes, maxPending, appendTimeout, commitLinger);
  }
}
