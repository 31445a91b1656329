package dev.agentbroker.broker.api;

import dev.agentbroker.request.ErrorCode;
import dev.agentbroker.request.Violation;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Ends a request with an RFC 9457 problem document carrying a stable {@code code}. */
public final class ProblemException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final String reason;
  private final String detail;
  private final transient List<Violation> violations;
  private final transient Duration retryAfter;

  public ProblemException(ErrorCode code, String reason, String detail) {
    this(code, reason, detail, List.of(), null);
  }

  public ProblemException(
      ErrorCode code,
      String reason,
      String detail,
      List<Violation> violations,
      Duration retryAfter) {
    super(code.wire() + ": " + reason, null, false, false);
    this.code = code;
    this.reason = reason;
    this.detail = detail;
    this.violations = List.copyOf(violations);
    this.retryAfter = retryAfter;
  }

  public ErrorCode code() {
    return code;
  }

  public String reason() {
    return reason;
  }

  public String detail() {
    return detail;
  }

  public List<Violation> violations() {
    return violations;
  }

  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
