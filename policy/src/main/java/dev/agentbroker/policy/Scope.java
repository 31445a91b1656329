package dev.agentbroker.policy;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Exactly what to ask GitHub for after an ALLOW: never empty in repositories+ids and never empty in
 * permissions, so a scope can never turn into an "all repositories" token by accident.
 */
public record Scope(
    String owner,
    List<String> repositories,
    List<Long> repositoryIds,
    Map<String, String> permissions) {
  public Scope {
    Objects.requireNonNull(owner, "owner");
    repositories = repositories == null ? List.of() : List.copyOf(repositories);
    repositoryIds = repositoryIds == null ? List.of() : List.copyOf(repositoryIds);
    // Sorted so audit lines and GitHub request bodies are deterministic.
    permissions =
        Collections.unmodifiableMap(new TreeMap<>(permissions == null ? Map.of() : permissions));
    if (repositories.isEmpty() && repositoryIds.isEmpty()) {
      throw new IllegalArgumentException("scope must name at least one repository");
    }
    if (permissions.isEmpty()) {
      throw new IllegalArgumentException("scope must name at least one permission");
    }
  }
}
