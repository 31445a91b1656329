package dev.agentbroker.tiera;

import dev.agentbroker.policy.Decision;
import dev.agentbroker.request.ErrorCode;
import dev.agentbroker.tiera.github.InstallationToken;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link TokenService#mint} decided. {@link #headers()} are the {@code RateLimit-*} headers of
 * the budget the request spent (empty when none was consulted), for the answer either way.
 */
public sealed interface MintResult permits MintResult.Issued, MintResult.Refused {

  Map<String, String> headers();

  /** A token was minted, journaled and registered for revocation. */
  record Issued(
      Lease lease, InstallationToken token, Decision decision, Map<String, String> headers)
      implements MintResult {
    public Issued {
      headers = Map.copyOf(headers);
    }
  }

  /**
   * Nothing was handed out. {@code reason} is a stable snake_case reason; {@code detail} is safe to
   * show the caller (never a secret); {@code retryAfter} is set for rate limits and outages.
   */
  record Refused(
      ErrorCode code,
      String reason,
      String detail,
      Optional<Decision> decision,
      Optional<Duration> retryAfter,
      Map<String, String> headers)
      implements MintResult {
    public Refused {
      headers = Map.copyOf(headers);
    }

    public Refused(
        ErrorCode code,
        String reason,
        String detail,
        Optional<Decision> decision,
        Optional<Duration> retryAfter) {
      this(code, reason, detail, decision, retryAfter, Map.of());
    }

    /** The same refusal, answered with the rate-limit headers of the budget it spent. */
    public Refused withHeaders(Map<String, String> h) {
      return new Refused(code, reason, detail, decision, retryAfter, h);
    }
  }
}
