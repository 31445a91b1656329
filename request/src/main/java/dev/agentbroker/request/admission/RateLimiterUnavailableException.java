package dev.agentbroker.request.admission;

/** The rate limiter's store (e.g. Redis) is unreachable; callers must refuse (fail closed). */
public final class RateLimiterUnavailableException extends Exception {
  private static final long serialVersionUID = 1L;

  public RateLimiterUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
