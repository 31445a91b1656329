package dev.agentbroker.testkit.github;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One installation of the App.
 *
 * @param id installation id used in {@code /app/installations/{id}/access_tokens}
 * @param account login of the org or user the App is installed on
 * @param accountType organization or user
 * @param permissions the installation's granted permissions, name to level (read/write/admin)
 * @param repositories every repository the installation can reach
 * @param allRepositories whether the installation was granted "All repositories" (reported as
 *     {@code repository_selection: "all"}) rather than a selection
 */
public record Installation(
    long id,
    String account,
    AccountType accountType,
    Map<String, String> permissions,
    List<Repo> repositories,
    boolean allRepositories) {
  public Installation {
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(accountType, "accountType");
    permissions = Map.copyOf(permissions);
    repositories = List.copyOf(repositories);
  }

  /** {@code "all"} or {@code "selected"}, as GitHub reports it. */
  public String repositorySelection() {
    return allRepositories ? "all" : "selected";
  }
}
