package dev.agentbroker.broker.http;

import dev.agentbroker.request.ErrorCode;
import dev.agentbroker.request.Violation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A refusal: ends a request with an RFC 9457 problem document carrying a stable {@code code},
 * rendered by {@link Responses#problem}. Tier A, Tier B and break-glass outcomes all become one of
 * these ({@link Responses#refusal}, already recorded by the tier), so every route answers a refusal
 * the same way; one thrown by the HTTP layer itself is recorded by {@link PreDecisionExits}.
 */
public final class ProblemException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final String reason;
  private final String detail;
  private final transient List<Violation> violations;
  private final transient Duration retryAfter;
  private final transient Map<String, String> headers;
  private final boolean recorded;

  public ProblemException(ErrorCode code, String reason, String detail) {
    this(code, reason, detail, List.of(), null);
  }

  public ProblemException(
      ErrorCode code,
      String reason,
      String detail,
      List<Violation> violations,
      Duration retryAfter) {
    this(code, reason, detail, violations, retryAfter, Map.of());
  }

  /**
   * @param headers extra response headers (e.g. {@code RateLimit-*}); never secrets
   */
  public ProblemException(
      ErrorCode code,
      String reason,
      String detail,
      List<Violation> violations,
      Duration retryAfter,
      Map<String, String> headers) {
    this(code, reason, detail, violations, retryAfter, headers, false);
  }

  ProblemException(
      ErrorCode code,
      String reason,
      String detail,
      List<Violation> violations,
      Duration retryAfter,
      Map<String, String> headers,
      boolean recorded) {
    super(code.wire() + ": " + reason, null, false, false);
    this.code = code;
    this.reason = reason;
    this.detail = detail;
    this.violations = List.copyOf(violations);
    this.retryAfter = retryAfter;
    this.headers = Map.copyOf(headers);
    this.recorded = recorded;
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

  public Map<String, String> headers() {
    return headers;
  }

  /**
   * Whether a tier already recorded this outcome (its decision line, and its journal event where
   * the tier journals): {@link Responses#refusal} builds those. Every other refusal is an exit
   * before a tier decided, which {@link PreDecisionExits} records.
   */
  public boolean recorded() {
    return recorded;
  }
}
