package dev.agentbroker.testkit.github;

import java.util.Objects;

/**
 * A repository an installation can reach. Names are bare ({@code svc-a}), not {@code owner/name}.
 */
public record Repo(long id, String name, boolean isPrivate) {
  public Repo {
    Objects.requireNonNull(name, "name");
    if (name.contains("/")) {
      throw new IllegalArgumentException("repo name must be bare, not owner/name: " + name);
    }
  }
}
