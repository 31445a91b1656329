package dev.agentbroker.testkit.github;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What org-admin calls changed: repository metadata, topics, branch protection, team access, and
 * which repositories are templates. Kept apart from the token state so Tier A tests stay simple.
 */
final class AdminState {
  private final Map<String, SimulatedRepo> repos = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> teams = new ConcurrentHashMap<>();

  AdminState() {
    teams.put("acme", Set.of("platform", "docs-writers", "security"));
  }

  static String key(String owner, String repo) {
    return owner.toLowerCase(Locale.ROOT) + "/" + repo.toLowerCase(Locale.ROOT);
  }

  SimulatedRepo repo(String owner, String name) {
    return repos.computeIfAbsent(
        key(owner, name), k -> new SimulatedRepo(owner, name, null, null, "private", List.of()));
  }

  Optional<SimulatedRepo> find(String owner, String name) {
    return Optional.ofNullable(repos.get(key(owner, name)));
  }

  void put(SimulatedRepo r) {
    repos.put(key(r.owner(), r.name()), r);
  }

  boolean teamExists(String org, String slug) {
    return teams.getOrDefault(org.toLowerCase(Locale.ROOT), Set.of()).contains(slug);
  }

  /** Branches besides {@code main} (which every repository has), as {@code owner/repo#branch}. */
  final Set<String> branches = ConcurrentHashMap.newKeySet();

  boolean branchExists(String owner, String repo, String branch) {
    return "main".equals(branch) || branches.contains(key(owner, repo) + "#" + branch);
  }

  /** Branch protection in GET's shape, by {@code owner/repo#branch}; absent = not protected. */
  final Map<String, JsonNode> protection = new ConcurrentHashMap<>();

  /** Team permission by {@code org/team -> owner/repo}. */
  final Map<String, String> teamAccess = new ConcurrentHashMap<>();

  /** Repositories marked as templates ({@code owner/name}, lower case). */
  final Set<String> templates = ConcurrentHashMap.newKeySet();
}
