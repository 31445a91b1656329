package dev.agentbroker.tiera;

import dev.agentbroker.policy.Decision;
import dev.agentbroker.request.ErrorCode;
import dev.agentbroker.tiera.github.GitHubException;
import java.time.Duration;
import java.util.Optional;

/** Maps GitHub failures to the broker's stable problem codes. */
final class GitHubErrors {
  private GitHubErrors() {}

  static MintResult.Refused toRefusal(GitHubException e, Decision decision) {
    Optional<Decision> d = Optional.of(decision);
    switch (e.kind()) {
      case SCOPE_REJECTED:
        // GitHub's 422 text names no secret and tells the caller which part of the scope failed.
        return new MintResult.Refused(
            ErrorCode.GITHUB_REJECTED,
            "github_scope_rejected",
            e.githubMessage().orElse("GitHub rejected the requested scope"),
            d,
            Optional.empty());
      case NOT_INSTALLED:
        return new MintResult.Refused(
            ErrorCode.GITHUB_REJECTED,
            "app_not_installed",
            "the GitHub App is not installed on this owner",
            d,
            Optional.empty());
      case SUSPENDED:
        return new MintResult.Refused(
            ErrorCode.GITHUB_REJECTED,
            "installation_suspended",
            "the GitHub App installation is suspended",
            d,
            Optional.empty());
      case MISCONFIGURED:
        return new MintResult.Refused(
            ErrorCode.UPSTREAM_MISCONFIGURED,
            "github_app_misconfigured",
            "GitHub refused the broker's App credentials",
            d,
            Optional.empty());
      case RATE_LIMITED:
        return new MintResult.Refused(
            ErrorCode.UPSTREAM_RATE_LIMITED,
            "github_rate_limited",
            "GitHub's rate limit for the App is exhausted; retry later",
            d,
            Optional.of(e.retryAfter().orElse(Duration.ofSeconds(60))));
      case UNAVAILABLE:
        if (e.mayHaveMinted()) {
          // Journaled with this reason: GitHub may hold a token nobody received (it dies within
          // the hour). The caller may retry; that is a new, separately journaled mint.
          return new MintResult.Refused(
              ErrorCode.UPSTREAM_UNAVAILABLE,
              "github_mint_ambiguous",
              "GitHub did not confirm the mint; it was not retried. Retry later",
              d,
              Optional.of(e.retryAfter().orElse(Duration.ofSeconds(5))));
        }
        return new MintResult.Refused(
            ErrorCode.UPSTREAM_UNAVAILABLE,
            "github_unavailable",
            "GitHub did not answer; retry later",
            d,
            Optional.of(e.retryAfter().orElse(Duration.ofSeconds(5))));
      case KEY_UNAVAILABLE:
        return new MintResult.Refused(
            ErrorCode.KEY_UNAVAILABLE,
            "app_key_unavailable",
            "the App signing key is unavailable",
            d,
            Optional.of(Duration.ofSeconds(10)));
      case BAD_RESPONSE:
      default:
        return new MintResult.Refused(
            ErrorCode.UPSTREAM_ERROR,
            "github_bad_response",
            "GitHub answered unexpectedly",
            d,
            Optional.empty());
    }
  }
}
