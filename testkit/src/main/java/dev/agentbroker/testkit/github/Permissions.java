package dev.agentbroker.testkit.github;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * GitHub App permission names and the levels each accepts, from the {@code app-permissions} schema
 * of the REST API description. Used to reject requests GitHub would reject: an unknown name, a
 * level the permission does not have (e.g. {@code metadata: write}), or a level above the
 * installation's grant.
 */
final class Permissions {
  private Permissions() {}

  private static final List<String> READ_WRITE = List.of("read", "write");
  private static final List<String> READ_WRITE_ADMIN = List.of("read", "write", "admin");
  private static final Map<String, List<String>> LEVELS = new HashMap<>();

  static {
    for (String p :
        List.of(
            "actions",
            "administration",
            "artifact_metadata",
            "attestations",
            "checks",
            "codespaces",
            "contents",
            "dependabot_secrets",
            "deployments",
            "discussions",
            "environments",
            "issues",
            "merge_queues",
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
            "members",
            "organization_administration",
            "organization_announcement_banners",
            "organization_copilot_seat_management",
            "organization_custom_org_roles",
            "organization_custom_roles",
            "organization_events",
            "organization_hooks",
            "organization_packages",
            "organization_personal_access_token_requests",
            "organization_personal_access_tokens",
            "organization_secrets",
            "organization_self_hosted_runners",
            "organization_user_blocking",
            "team_discussions",
            "email_addresses",
            "followers",
            "git_ssh_keys",
            "gpg_keys",
            "interaction_limits",
            "starring")) {
      LEVELS.put(p, READ_WRITE);
    }
    LEVELS.put("metadata", List.of("read"));
    LEVELS.put("organization_plan", List.of("read"));
    LEVELS.put("workflows", List.of("write"));
    LEVELS.put("profile", List.of("write"));
    LEVELS.put("repository_projects", READ_WRITE_ADMIN);
    LEVELS.put("organization_projects", READ_WRITE_ADMIN);
    LEVELS.put("organization_custom_properties", READ_WRITE_ADMIN);
  }

  /** Whether GitHub knows this permission and it accepts this level. */
  static boolean isValid(String name, String level) {
    List<String> allowed = LEVELS.get(name);
    return allowed != null && allowed.contains(level);
  }

  /** Whether {@code requested} is at most {@code granted} (read < write < admin). */
  static boolean within(String requested, String granted) {
    return granted != null && rank(requested) <= rank(granted);
  }

  static int rank(String level) {
    switch (level) {
      case "read":
        return 1;
      case "write":
        return 2;
      case "admin":
        return 3;
      default:
        return Integer.MAX_VALUE;
    }
  }
}
