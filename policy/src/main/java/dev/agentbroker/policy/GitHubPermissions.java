package dev.agentbroker.policy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * GitHub App permission vocabulary (REST API version 2022-11-28).
 *
 * <p>Kept as a closed list on purpose: a typo in a policy ({@code pull_request} instead of {@code
 * pull_requests}) must fail the policy load rather than silently grant nothing, and a token request
 * naming a permission GitHub does not know must be denied before any call to GitHub.
 */
public final class GitHubPermissions {

  private static final List<String> READ_WRITE = List.of("read", "write");
  private static final List<String> READ_WRITE_ADMIN = List.of("read", "write", "admin");
  private static final List<String> WRITE_ONLY = List.of("write");
  private static final List<String> READ_ONLY = List.of("read");

  private static final Map<String, List<String>> LEVELS = build();

  private GitHubPermissions() {}

  private static Map<String, List<String>> build() {
    Map<String, List<String>> m = new TreeMap<>();
    for (String name :
        List.of(
            "actions",
            "administration",
            "artifact_metadata",
            "attestations",
            "checks",
            "code_quality",
            "codespaces",
            "contents",
            "dependabot_secrets",
            "deployments",
            "discussions",
            "environments",
            "issues",
            "merge_queues",
            "metadata",
            "packages",
            "pages",
            "pull_requests",
            "repository_custom_properties",
            "repository_hooks",
            "secret_scanning_alerts",
            "secrets",
            "security_events",
            "single_file",
            "statuses",
            "vulnerability_alerts",
            "custom_properties_for_organizations",
            "members",
            "organization_administration",
            "organization_custom_roles",
            "organization_custom_org_roles",
            "organization_copilot_seat_management",
            "organization_copilot_agent_settings",
            "organization_announcement_banners",
            "organization_hooks",
            "organization_personal_access_tokens",
            "organization_personal_access_token_requests",
            "organization_packages",
            "organization_secrets",
            "organization_self_hosted_runners",
            "organization_user_blocking",
            "email_addresses",
            "followers",
            "git_ssh_keys",
            "gpg_keys",
            "interaction_limits",
            "starring")) {
      m.put(name, READ_WRITE);
    }
    for (String name :
        List.of(
            "repository_projects",
            "organization_projects",
            "organization_custom_properties",
            "enterprise_custom_properties_for_organizations")) {
      m.put(name, READ_WRITE_ADMIN);
    }
    m.put("workflows", WRITE_ONLY);
    m.put("profile", WRITE_ONLY);
    m.put("organization_events", READ_ONLY);
    m.put("organization_plan", READ_ONLY);
    return Map.copyOf(m);
  }

  /** True when GitHub knows a permission with this exact (case-sensitive) name. */
  public static boolean isKnown(String name) {
    return name != null && LEVELS.containsKey(name);
  }

  /** Levels GitHub accepts for {@code name}, lowest first; empty list for unknown names. */
  public static List<String> levels(String name) {
    return name == null ? List.of() : LEVELS.getOrDefault(name, List.of());
  }

  /** True when {@code level} is one GitHub accepts for permission {@code name}. */
  public static boolean isValid(String name, String level) {
    return level != null && levels(name).contains(level);
  }

  /**
   * Rank of a level: read=1, write=2, admin=3; 0 for anything else so unknown levels never compare
   * as covered.
   */
  public static int rank(String level) {
    if (level == null) {
      return 0;
    }
    switch (level) {
      case "read":
        return 1;
      case "write":
        return 2;
      case "admin":
        return 3;
      default:
        return 0;
    }
  }

  /** True when the level grants more than read access (used for the write-token limit). */
  public static boolean isWriteLevel(String level) {
    return rank(level) >= 2;
  }

  /** All known permission names, sorted. */
  public static Set<String> names() {
    return new TreeSet<>(LEVELS.keySet());
  }

  /** Describes why {@code name: level} is not valid, or empty when it is. */
  public static Optional<String> problem(String name, String level) {
    if (!isKnown(name)) {
      return Optional.of("unknown GitHub permission '" + name + "'");
    }
    if (!isValid(name, level)) {
      return Optional.of(
          "invalid level '"
              + level
              + "' for permission '"
              + name
              + "' (allowed: "
              + String.join(", ", levels(name))
              + ")");
    }
    return Optional.empty();
  }
}
