package dev.agentbroker.testkit.github;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A parsed {@code POST /app/installations/{id}/access_tokens} request and the status it was
 * answered with. Recorded even when rejected, so tests can prove the broker never asked for more
 * than policy allows.
 *
 * @param installationId id from the path (-1 if the path segment was not a number)
 * @param hadBody whether a non-blank body was sent
 * @param repositories {@code repositories} field, or null if absent or unparseable
 * @param repositoryIds {@code repository_ids} field, or null if absent or unparseable
 * @param permissions {@code permissions} field, or null if absent or unparseable
 * @param status HTTP status answered; 0 when the connection was dropped by a fault
 */
public record MintRequest(
    long installationId,
    boolean hadBody,
    List<String> repositories,
    List<Long> repositoryIds,
    Map<String, String> permissions,
    int status) {
  public MintRequest {
    repositories = repositories == null ? null : Collections.unmodifiableList(repositories);
    repositoryIds = repositoryIds == null ? null : Collections.unmodifiableList(repositoryIds);
    permissions = permissions == null ? null : Collections.unmodifiableMap(permissions);
  }

  /**
   * True when GitHub would read the request as "everything": no repository restriction (both {@code
   * repositories} and {@code repository_ids} absent or empty) or no permission restriction ({@code
   * permissions} absent or empty). A least-privilege broker should never send one.
   */
  public boolean widening() {
    boolean noRepos =
        (repositories == null || repositories.isEmpty())
            && (repositoryIds == null || repositoryIds.isEmpty());
    boolean noPerms = permissions == null || permissions.isEmpty();
    return noRepos || noPerms;
  }
}
