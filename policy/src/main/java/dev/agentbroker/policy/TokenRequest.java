package dev.agentbroker.policy;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a caller asks for: an installation token for {@code owner}, limited to the named
 * repositories and/or repository ids, with the given GitHub permissions (name to level).
 *
 * <p>Null collections become empty; elements and map values must not be null (a null inside a
 * request is a caller bug and fails fast with {@link NullPointerException}).
 */
public record TokenRequest(
    String owner,
    List<String> repositories,
    List<Long> repositoryIds,
    Map<String, String> permissions) {
  public TokenRequest {
    Objects.requireNonNull(owner, "owner");
    repositories = repositories == null ? List.of() : List.copyOf(repositories);
    repositoryIds = repositoryIds == null ? List.of() : List.copyOf(repositoryIds);
    permissions = permissions == null ? Map.of() : Map.copyOf(permissions);
  }

  /** Number of repositories the token would cover (names plus ids). */
  public int repositoryCount() {
    return repositories.size() + repositoryIds.size();
  }
}
