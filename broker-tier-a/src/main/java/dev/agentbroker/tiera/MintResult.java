package dev.agentbroker.tiera;

import dev.agentbroker.policy.Decision;
import dev.agentbroker.request.ErrorCode;
import dev.agentbroker.tiera.github.InstallationToken;
import java.time.Duration;
import java.util.Optional;

/** What {@link TokenService#mint} decided. */
public sealed interface MintResult permits MintResult.Issued, MintResult.Refused {

  /** A token was minted, journaled and registered for revocation. */
  record Issued(Lease lease, InstallationToken token, Decision decision) implements MintResult {}

  /**
   * Nothing was handed out. {@code reason} is a stable snake_case reason; {@code detail} is safe to
   * show the caller (never a secret); {@code retryAfter} is set for rate limits and outages.
   */
  record Refused(
      ErrorCode code,
      String reason,
      String detail,
      Optional<Decision> decision,
      Optional<Duration> retryAfter)
      implements MintResult {}
}
