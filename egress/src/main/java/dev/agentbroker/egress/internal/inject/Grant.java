package dev.agentbroker.egress.internal.inject;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What a registered run may touch: one owner (GitHub's one-owner-per-token rule), bare repository
 * names and the permissions asked of the broker. Names compare case-insensitively, like GitHub's.
 */
public record Grant(String owner, List<String> repositories, Map<String, String> permissions) {
  public Grant {
    Objects.requireNonNull(owner, "owner");
    repositories = List.copyOf(repositories);
    permissions = Map.copyOf(permissions);
  }

  boolean covers(String owner, String repo) {
    if (!this.owner.equalsIgnoreCase(owner)) {
      return false;
    }
    for (String r : repositories) {
      if (r.equalsIgnoreCase(repo)) {
        return true;
      }
    }
    return false;
  }

  boolean contentsWrite() {
    return "write".equals(permissions.get("contents"));
  }

  /** The repository's name as granted (GitHub's spelling), for logs. */
  String canonical(String repo) {
    for (String r : repositories) {
      if (r.equalsIgnoreCase(repo)) {
        return r;
      }
    }
    return repo.toLowerCase(Locale.ROOT);
  }
}
