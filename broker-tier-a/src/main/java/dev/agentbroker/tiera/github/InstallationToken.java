package dev.agentbroker.tiera.github;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A minted installation token. Opaque and of any length (GitHub's 2026 stateless format is about
 * 520 characters). {@link #toString()} redacts the token so it cannot leak through logging.
 */
public record InstallationToken(
    String token,
    Instant expiresAt,
    Map<String, String> permissions,
    List<String> repositories,
    long installationId) {

  public InstallationToken {
    permissions = Map.copyOf(permissions);
    repositories = List.copyOf(repositories);
  }

  @Override
  public String toString() {
    return "InstallationToken[token=<redacted>, expiresAt="
        + expiresAt
        + ", permissions="
        + permissions
        + ", repositories="
        + repositories
        + ", installationId="
        + installationId
        + "]";
  }
}
