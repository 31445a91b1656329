package dev.agentbroker.tiera;

import dev.agentbroker.policy.GitHubPermissions;
import dev.agentbroker.policy.TokenRequest;
import dev.agentbroker.request.Violation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Syntax rules for a token request, checked before policy. Everything here is about the shape
 * GitHub accepts; policy decides what the caller may have.
 */
public final class TokenRequestValidator {
  /** GitHub's documented ceiling for repositories in one installation token. */
  public static final int MAX_REPOSITORIES = 500;

  private static final Pattern LOGIN = Pattern.compile("^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$");
  private static final Pattern REPO_NAME = Pattern.compile("^[A-Za-z0-9._-]{1,100}$");

  private TokenRequestValidator() {}

  /** Returns every violation at once; an empty list means the request is well formed. */
  public static List<Violation> validate(TokenRequest request) {
    List<Violation> out = new ArrayList<>();
    if (request.owner() == null || request.owner().isEmpty()) {
      out.add(new Violation("/owner", "owner is required"));
    } else if (!LOGIN.matcher(request.owner()).matches()) {
      out.add(new Violation("/owner", "owner must be a GitHub login (letters, digits, '-')"));
    }
    validateRepositories(request, out);
    validatePermissions(request.permissions(), out);
    return out;
  }

  private static void validateRepositories(TokenRequest request, List<Violation> out) {
    List<String> names = request.repositories();
    List<Long> ids = request.repositoryIds();
    if (names.isEmpty() && ids.isEmpty()) {
      // An empty list would mean "every repository" to GitHub: never allowed.
      out.add(new Violation("/repositories", "at least one repository is required"));
    }
    if (names.size() + ids.size() > MAX_REPOSITORIES) {
      out.add(
          new Violation(
              "/repositories", "at most " + MAX_REPOSITORIES + " repositories per token"));
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      String field = "/repositories/" + i;
      if (name == null || name.isEmpty()) {
        out.add(new Violation(field, "repository name must not be empty"));
      } else if (name.contains("/")) {
        out.add(new Violation(field, "use bare repository names; the owner goes in 'owner'"));
      } else if (!REPO_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
        out.add(new Violation(field, "invalid repository name"));
      } else if (!seen.add(name.toLowerCase(Locale.ROOT))) {
        out.add(new Violation(field, "duplicate repository"));
      }
    }
    Set<Long> seenIds = new HashSet<>();
    for (int i = 0; i < ids.size(); i++) {
      Long id = ids.get(i);
      String field = "/repository_ids/" + i;
      if (id == null || id <= 0) {
        out.add(new Violation(field, "repository id must be a positive integer"));
      } else if (!seenIds.add(id)) {
        out.add(new Violation(field, "duplicate repository id"));
      }
    }
  }

  private static void validatePermissions(Map<String, String> permissions, List<Violation> out) {
    if (permissions.isEmpty()) {
      // An empty map would mean "all of the App's permissions" to GitHub.
      out.add(new Violation("/permissions", "at least one permission is required"));
      return;
    }
    for (Map.Entry<String, String> e : permissions.entrySet()) {
      String field = "/permissions/" + e.getKey();
      if (!GitHubPermissions.isKnown(e.getKey())) {
        out.add(new Violation(field, "unknown GitHub permission"));
      } else if (e.getValue() == null || !GitHubPermissions.isValid(e.getKey(), e.getValue())) {
        out.add(
            new Violation(
                field,
                "level must be one of "
                    + GitHubPermissions.levels(e.getKey())
                    + " for this permission"));
      }
    }
  }
}
