package dev.agentbroker.request.admission;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tier A's rate-limit answer for one {@code POST /token}. {@code decision} is the budget the caller
 * sees in {@code RateLimit-*} headers: its own, or the global one that refused it; null when
 * nothing was spent (unknown identity) or the store failed.
 */
public record Admission(Result result, String reason, RateDecision decision) {
  /** What to do with the request. */
  public enum Result {
    ADMITTED,
    LIMITED,
    UNAVAILABLE
  }

  /** Admitted without spending anything (no limits configured, or nothing to count against). */
  public static final Admission UNCOUNTED = new Admission(Result.ADMITTED, "not_counted", null);

  /** The reason of a refusal by the App-wide GitHub budget rather than the caller's own. */
  public static final String GLOBAL_BUDGET = "global_github_budget";

  public boolean admitted() {
    return result == Result.ADMITTED;
  }

  /** The rule id a refusal is journaled under: which budget said no. */
  public String ruleId() {
    return GLOBAL_BUDGET.equals(reason) ? "ratelimit/global" : "ratelimit/token";
  }

  /** {@code RateLimit-Limit} and {@code RateLimit-Remaining}, when a budget was consulted. */
  public Map<String, String> headers() {
    Map<String, String> h = new LinkedHashMap<>();
    if (decision != null) {
      h.put("RateLimit-Limit", Long.toString(decision.limit()));
      h.put("RateLimit-Remaining", Long.toString(decision.allowed() ? decision.remaining() : 0));
    }
    return h;
  }

  /** Whole seconds, rounded up: a client that waits exactly this long is admitted. */
  public Duration retryAfter() {
    if (result == Result.UNAVAILABLE) {
      return Duration.ofSeconds(5);
    }
    return ceilSeconds(decision == null ? Duration.ZERO : decision.retryAfter());
  }

  public static Duration ceilSeconds(Duration d) {
    long s = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
    return Duration.ofSeconds(Math.max(1, s));
  }
}
