package dev.agentbroker.policy.internal;

import dev.agentbroker.policy.Caller;
import dev.agentbroker.policy.CompiledPolicy;
import dev.agentbroker.policy.Decision;
import dev.agentbroker.policy.GitHubPermissions;
import dev.agentbroker.policy.GrantRule;
import dev.agentbroker.policy.IdentityRule;
import dev.agentbroker.policy.Outcome;
import dev.agentbroker.policy.ProfileSettings;
import dev.agentbroker.policy.Reasons;
import dev.agentbroker.policy.Scope;
import dev.agentbroker.policy.TokenRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Token-request evaluation. Deny by default: an ALLOW needs one identity match and one grant that
 * covers owner, every repository, every permission (name and level) and the repository count.
 * Grants are never combined, so no request can be assembled from pieces of several grants.
 */
public final class Evaluator {
  private Evaluator() {}

  /** How far a grant got before failing; higher means closer to covering the request. */
  private enum Stage {
    REPOSITORIES,
    PERMISSION_NAMES,
    PERMISSION_LEVELS,
    COUNT,
    COVERED
  }

  /** Result of checking one grant: failure stage/reason/message, or the effective permissions. */
  private record Check(
      GrantRule grant,
      Stage stage,
      String reason,
      String message,
      Map<String, String> effective,
      List<String> narrowed) {}

  /** The first step of every evaluation, token or verb: no identity, default deny. */
  static Decision noMatchingIdentity(Caller caller, String verb) {
    return new Decision(
        Outcome.DENY,
        Reasons.NO_MATCHING_IDENTITY,
        Reasons.DEFAULT_DENY_RULE,
        null,
        null,
        Optional.empty(),
        List.of(
            "no identity matches issuer '"
                + caller.issuer()
                + "' subject '"
                + caller.subject()
                + "'"),
        verb);
  }

  public static Decision evaluate(CompiledPolicy policy, Caller caller, TokenRequest request) {
    Objects.requireNonNull(caller, "caller");
    Objects.requireNonNull(request, "request");
    Optional<IdentityRule> match = policy.identify(caller);
    if (match.isEmpty()) {
      return noMatchingIdentity(caller, null);
    }
    IdentityRule identity = match.get();
    ProfileSettings settings = policy.settings(identity.profile());
    List<String> lines = new ArrayList<>();
    lines.add(
        "identity '"
            + identity.id()
            + "' (profile "
            + identity.profile().wireName()
            + ") matched issuer '"
            + caller.issuer()
            + "' subject '"
            + caller.subject()
            + "'");

    if (request.repositoryCount() == 0) {
      lines.add("request names no repositories; an all-repositories token is never issued");
      return deny(identity, Reasons.REPOSITORIES_REQUIRED, identity.id(), lines);
    }
    if (request.permissions().isEmpty()) {
      lines.add("request names no permissions; GitHub would default to all installation ones");
      return deny(identity, Reasons.PERMISSIONS_REQUIRED, identity.id(), lines);
    }
    List<String> unknown = new ArrayList<>();
    new TreeMap<>(request.permissions())
        .forEach((name, level) -> GitHubPermissions.problem(name, level).ifPresent(unknown::add));
    if (!unknown.isEmpty()) {
      lines.addAll(unknown);
      return deny(identity, Reasons.UNKNOWN_PERMISSION, identity.id(), lines);
    }

    List<GrantRule> candidates =
        identity.grants().stream()
            .filter(g -> g.coversOwner(request.owner()))
            .collect(Collectors.toList());
    if (candidates.isEmpty()) {
      lines.add(
          "no grant for owner '"
              + request.owner()
              + "' (granted owners: "
              + identity.grants().stream()
                  .map(GrantRule::owner)
                  .distinct()
                  .collect(Collectors.toList())
              + ")");
      return deny(identity, Reasons.OWNER_NOT_GRANTED, identity.id(), lines);
    }

    Check best = null;
    for (GrantRule grant : candidates) {
      Check c = check(grant, request, settings);
      if (c.stage() == Stage.COVERED) {
        return allow(identity, request, c, lines);
      }
      lines.add(grant.label() + ": " + c.message());
      if (best == null || c.stage().compareTo(best.stage()) > 0) {
        best = c;
      }
    }
    return deny(identity, best.reason(), best.grant().ruleId(identity.id()), lines);
  }

  private static Check check(GrantRule grant, TokenRequest request, ProfileSettings settings) {
    List<String> badNames = new ArrayList<>();
    for (String name : request.repositories()) {
      if (!grant.coversRepository(name)) {
        badNames.add("'" + name + "'");
      }
    }
    List<Long> badIds = new ArrayList<>();
    for (Long id : request.repositoryIds()) {
      if (!grant.coversRepositoryId(id)) {
        badIds.add(id);
      }
    }
    if (!badNames.isEmpty() || !badIds.isEmpty()) {
      List<String> parts = new ArrayList<>();
      if (!badNames.isEmpty()) {
        parts.add(
            (badNames.size() == 1 ? "repository " : "repositories ")
                + String.join(", ", badNames)
                + (badNames.size() == 1 ? " does" : " do")
                + " not match "
                + grant.repositories());
      }
      if (!badIds.isEmpty()) {
        parts.add("repository ids " + badIds + " not in " + grant.repositoryIds());
      }
      return fail(
          grant, Stage.REPOSITORIES, Reasons.REPOSITORY_NOT_GRANTED, String.join("; ", parts));
    }

    List<String> missing = new ArrayList<>();
    for (String name : new TreeMap<>(request.permissions()).keySet()) {
      if (!grant.permissions().containsKey(name)) {
        missing.add(name);
      }
    }
    if (!missing.isEmpty()) {
      return fail(
          grant,
          Stage.PERMISSION_NAMES,
          Reasons.PERMISSION_NOT_GRANTED,
          "permission(s) "
              + missing
              + " not granted (grant has "
              + grant.permissions().keySet()
              + ")");
    }

    Map<String, String> effective = new TreeMap<>();
    List<String> narrowed = new ArrayList<>();
    List<String> exceeded = new ArrayList<>();
    for (Map.Entry<String, String> e : new TreeMap<>(request.permissions()).entrySet()) {
      String ceiling = grant.permissions().get(e.getKey());
      if (GitHubPermissions.rank(e.getValue()) <= GitHubPermissions.rank(ceiling)) {
        effective.put(e.getKey(), e.getValue());
      } else if (settings.narrowToCeiling()) {
        effective.put(e.getKey(), ceiling);
        narrowed.add(
            "lowered "
                + e.getKey()
                + " from "
                + e.getValue()
                + " to "
                + ceiling
                + " (grant ceiling)");
      } else {
        exceeded.add(e.getKey() + ": " + e.getValue() + " exceeds ceiling " + ceiling);
      }
    }
    if (!exceeded.isEmpty()) {
      return fail(
          grant,
          Stage.PERMISSION_LEVELS,
          Reasons.PERMISSION_LEVEL_EXCEEDS_GRANT,
          String.join("; ", exceeded));
    }

    // The limit follows the token actually issued, so a narrowed-to-read token gets the read limit.
    boolean write = effective.values().stream().anyMatch(GitHubPermissions::isWriteLevel);
    int limit = grant.maxRepositoriesPerToken().orElse(settings.limitFor(write));
    int count = request.repositoryCount();
    if (count > limit) {
      String source =
          grant.maxRepositoriesPerToken().isPresent()
              ? "grant max_repositories_per_token"
              : "profile "
                  + settings.profile().wireName()
                  + (write ? " write" : " read")
                  + " limit";
      return fail(
          grant,
          Stage.COUNT,
          Reasons.TOO_MANY_REPOSITORIES,
          count
              + " repositories requested for a "
              + (write ? "write" : "read-only")
              + " token; "
              + source
              + " is "
              + limit);
    }
    return new Check(grant, Stage.COVERED, null, null, effective, narrowed);
  }

  private static Check fail(GrantRule grant, Stage stage, String reason, String message) {
    return new Check(grant, stage, reason, message, Map.of(), List.of());
  }

  private static Decision allow(
      IdentityRule identity, TokenRequest request, Check c, List<String> lines) {
    Scope scope =
        new Scope(request.owner(), request.repositories(), request.repositoryIds(), c.effective());
    lines.add(
        c.grant().label()
            + " covers owner '"
            + request.owner()
            + "', "
            + request.repositoryCount()
            + " repositor"
            + (request.repositoryCount() == 1 ? "y" : "ies")
            + ", permissions "
            + scope.permissions());
    lines.addAll(c.narrowed());
    return new Decision(
        Outcome.ALLOW,
        c.narrowed().isEmpty() ? Reasons.ALLOWED : Reasons.ALLOWED_NARROWED,
        c.grant().ruleId(identity.id()),
        identity.id(),
        identity.profile(),
        Optional.of(scope),
        lines);
  }

  private static Decision deny(
      IdentityRule identity, String reason, String ruleId, List<String> lines) {
    return new Decision(
        Outcome.DENY, reason, ruleId, identity.id(), identity.profile(), Optional.empty(), lines);
  }
}
