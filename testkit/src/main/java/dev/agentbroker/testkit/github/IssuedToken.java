package dev.agentbroker.testkit.github;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An installation access token the simulator minted.
 *
 * @param repositories the repositories the token can reach (the installation's when none were
 *     named)
 * @param repositorySelection {@code "selected"} when repositories were named, else the
 *     installation's own selection
 */
record IssuedToken(
    String token,
    long installationId,
    Instant expiresAt,
    Map<String, String> permissions,
    List<Repo> repositories,
    String repositorySelection) {

  /** Live when unexpired at {@code now}; revocation is tracked separately by the state. */
  boolean unexpiredAt(Instant now) {
    return now.isBefore(expiresAt);
  }
}
