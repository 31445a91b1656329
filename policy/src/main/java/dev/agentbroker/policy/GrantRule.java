package dev.agentbroker.policy;

import dev.agentbroker.policy.internal.Globs;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * One grant of an identity: an owner, the repositories it covers and the permission ceiling.
 *
 * @param index position in the identity's {@code grants} list
 * @param id optional grant id from the file; used in rule ids instead of the index
 * @param repositories glob patterns and exact names (only {@code *}, never crossing {@code /})
 * @param repositoryIds integer repository ids; only these match requested ids
 * @param permissions permission name to maximum level
 * @param maxRepositoriesPerToken overrides both profile limits for this grant when present
 */
public record GrantRule(
    int index,
    Optional<String> id,
    String owner,
    List<String> repositories,
    List<Long> repositoryIds,
    Map<String, String> permissions,
    OptionalInt maxRepositoriesPerToken) {
  public GrantRule {
    Objects.requireNonNull(owner, "owner");
    id = id == null ? Optional.empty() : id;
    repositories = repositories == null ? List.of() : List.copyOf(repositories);
    repositoryIds = repositoryIds == null ? List.of() : List.copyOf(repositoryIds);
    permissions =
        Collections.unmodifiableMap(new TreeMap<>(permissions == null ? Map.of() : permissions));
    maxRepositoriesPerToken =
        maxRepositoriesPerToken == null ? OptionalInt.empty() : maxRepositoriesPerToken;
  }

  /** {@code grants[i]} or the grant's id. */
  public String label() {
    return id.orElse("grants[" + index + "]");
  }

  /** Rule id used in decisions: {@code <identityId>/<label>}. */
  public String ruleId(String identityId) {
    return identityId + "/" + label();
  }

  /** GitHub logins are case-insensitive. */
  public boolean coversOwner(String requestedOwner) {
    return owner.equalsIgnoreCase(requestedOwner);
  }

  /** True when some name/glob entry matches {@code name} case-insensitively. */
  public boolean coversRepository(String name) {
    for (String pattern : repositories) {
      if (Globs.matches(pattern, name)) {
        return true;
      }
    }
    return false;
  }

  public boolean coversRepositoryId(long repositoryId) {
    return repositoryIds.contains(repositoryId);
  }
}
