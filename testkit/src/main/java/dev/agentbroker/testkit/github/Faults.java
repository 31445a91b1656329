package dev.agentbroker.testkit.github;

import java.time.Duration;
import java.util.Objects;

/**
 * Fault injection: the failures GitHub really produces, applied to the next requests the simulator
 * receives (any endpoint). Thread-safe; every method may be called while requests are in flight.
 *
 * <p>When several count-based faults are armed, one request consumes at most one of them, in this
 * order: dropped connection, {@link #failNext} error, secondary rate limit. The primary rate limit
 * and the delay are modes that stay on until turned off or {@link #clear()}ed.
 */
public final class Faults {

  private int dropCount;
  private int mintThenDropCount;
  private int failCount;
  private int failStatus;
  private int secondaryCount;
  private int secondaryRetryAfter;
  private boolean primaryExhausted;
  private long primaryReset;
  private Duration delay = Duration.ZERO;
  private String failPathSuffix;
  private int failPathCount;
  private int failPathStatus;

  Faults() {}

  /** The next {@code count} requests get {@code status} (e.g. 500/502/503) with a JSON body. */
  public synchronized void failNext(int count, int status) {
    if (count < 0 || status < 400 || status > 599) {
      throw new IllegalArgumentException("count >= 0 and 400 <= status <= 599 required");
    }
    failCount = count;
    failStatus = status;
  }

  /**
   * The next {@code count} requests whose path ends with {@code pathSuffix} get {@code status};
   * other requests pass. Lets a test break one step of a multi-call action.
   */
  public synchronized void failNextMatching(String pathSuffix, int count, int status) {
    if (count < 0 || status < 400 || status > 599) {
      throw new IllegalArgumentException("count >= 0 and 400 <= status <= 599 required");
    }
    failPathSuffix = Objects.requireNonNull(pathSuffix, "pathSuffix");
    failPathCount = count;
    failPathStatus = status;
  }

  /** Adds latency before every response (including faulted ones) until cleared. */
  public synchronized void delay(Duration d) {
    Objects.requireNonNull(d, "d");
    if (d.isNegative()) {
      throw new IllegalArgumentException("negative delay");
    }
    delay = d;
  }

  /**
   * The next {@code count} requests get 403 with a {@code retry-after} header and GitHub's
   * secondary-rate-limit message.
   */
  public synchronized void secondaryRateLimitNext(int count, int retryAfterSeconds) {
    if (count < 0 || retryAfterSeconds < 0) {
      throw new IllegalArgumentException("non-negative arguments required");
    }
    secondaryCount = count;
    secondaryRetryAfter = retryAfterSeconds;
  }

  /**
   * While on, every request gets 403 "API rate limit exceeded…" with {@code x-ratelimit-remaining:
   * 0} and {@code x-ratelimit-reset: resetEpochSeconds}.
   */
  public synchronized void primaryRateLimitExhausted(boolean on, long resetEpochSeconds) {
    primaryExhausted = on;
    primaryReset = resetEpochSeconds;
  }

  /** The next {@code count} requests have their connection closed without any response. */
  public synchronized void dropConnectionNext(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count >= 0 required");
    }
    dropCount = count;
  }

  /**
   * The next {@code count} mint requests ({@code POST …/access_tokens}) are carried out — the token
   * exists at "GitHub" — and then the connection is closed without the reply: the ambiguous failure
   * a client cannot tell from one that never reached GitHub. Other requests pass.
   */
  public synchronized void mintThenDropNext(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count >= 0 required");
    }
    mintThenDropCount = count;
  }

  /** Disarms everything. */
  public synchronized void clear() {
    dropCount = 0;
    mintThenDropCount = 0;
    failCount = 0;
    failPathCount = 0;
    secondaryCount = 0;
    primaryExhausted = false;
    delay = Duration.ZERO;
  }

  /** Consumes the fault (if any) that applies to the request being handled now. */
  synchronized Decision next(String path) {
    Duration d = delay;
    if (failPathCount > 0 && path.endsWith(failPathSuffix)) {
      failPathCount--;
      return new Decision(Kind.FAIL, failPathStatus, 0, d);
    }
    if (mintThenDropCount > 0 && path.endsWith("/access_tokens")) {
      mintThenDropCount--;
      return new Decision(Kind.MINT_THEN_DROP, 0, 0, d);
    }
    if (dropCount > 0) {
      dropCount--;
      return new Decision(Kind.DROP, 0, 0, d);
    }
    if (failCount > 0) {
      failCount--;
      return new Decision(Kind.FAIL, failStatus, 0, d);
    }
    if (secondaryCount > 0) {
      secondaryCount--;
      return new Decision(Kind.SECONDARY, 403, secondaryRetryAfter, d);
    }
    if (primaryExhausted) {
      return new Decision(Kind.PRIMARY, 403, primaryReset, d);
    }
    return d.isZero() ? Decision.NONE : new Decision(Kind.NONE, 0, 0, d);
  }

  enum Kind {
    NONE,
    DROP,
    MINT_THEN_DROP,
    FAIL,
    SECONDARY,
    PRIMARY
  }

  /**
   * What to do to one request.
   *
   * @param arg retry-after seconds for SECONDARY, reset epoch seconds for PRIMARY
   */
  record Decision(Kind kind, int status, long arg, Duration delay) {
    static final Decision NONE = new Decision(Kind.NONE, 0, 0, Duration.ZERO);
  }
}
