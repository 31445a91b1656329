package dev.agentbroker.tiera.github;

import java.time.Duration;
import java.util.Optional;

/**
 * A GitHub call failed. {@link #githubMessage()} is GitHub's own {@code message} (it never echoes
 * credentials); {@link #getMessage()} is ours and is safe to log.
 */
public final class GitHubException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What went wrong, in terms the broker maps to its problem codes. */
  public enum Kind {
    /** The App is not installed on the owner. */
    NOT_INSTALLED,
    /** 422: a repository or permission outside the installation's grant. */
    SCOPE_REJECTED,
    /** 403: the installation is suspended. */
    SUSPENDED,
    /** 401/404 on App calls: wrong App id, wrong key, uninstalled App. */
    MISCONFIGURED,
    /** Primary or secondary rate limit; {@link #retryAfter()} says when to come back. */
    RATE_LIMITED,
    /** 5xx or network failure after bounded retries. */
    UNAVAILABLE,
    /** An answer the broker does not understand. */
    BAD_RESPONSE,
    /** The App key could not sign. */
    KEY_UNAVAILABLE
  }

  private final Kind kind;
  private final int status;
  private final String githubMessage;
  private final transient Duration retryAfter;
  private final boolean mayHaveMinted;

  public GitHubException(
      Kind kind, int status, String message, String githubMessage, Duration retryAfter) {
    this(kind, status, message, githubMessage, retryAfter, false);
  }

  public GitHubException(
      Kind kind,
      int status,
      String message,
      String githubMessage,
      Duration retryAfter,
      boolean mayHaveMinted) {
    super(message);
    this.kind = kind;
    this.status = status;
    this.githubMessage = githubMessage;
    this.retryAfter = retryAfter;
    this.mayHaveMinted = mayHaveMinted;
  }

  /**
   * True when a mint request may have reached GitHub and created a token whose answer was lost (a
   * 5xx, a timeout or a dropped connection after sending). Nobody holds such a token and GitHub
   * cannot list installation tokens; it expires within the hour. The mint is not retried then.
   */
  public boolean mayHaveMinted() {
    return mayHaveMinted;
  }

  public Kind kind() {
    return kind;
  }

  /** HTTP status from GitHub, or 0 when no answer arrived. */
  public int status() {
    return status;
  }

  public Optional<String> githubMessage() {
    return Optional.ofNullable(githubMessage);
  }

  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
