package dev.agentbroker.tierb.verbs;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The baseline branch protection applied to new repositories and by {@code
 * apply-branch-protection}: one approving review, stale reviews dismissed, admins included, no
 * force pushes or deletions, linear history. GitHub requires all four top-level keys; the unused
 * ones are sent as {@code null}.
 */
public final class BaselineProtection {
  private BaselineProtection() {}

  public static ObjectNode body() {
    ObjectNode b = Schemas.MAPPER.createObjectNode();
    b.putNull("required_status_checks");
    b.put("enforce_admins", true);
    ObjectNode reviews = b.putObject("required_pull_request_reviews");
    reviews.put("dismiss_stale_reviews", true);
    reviews.put("require_code_owner_reviews", false);
    reviews.put("required_approving_review_count", 1);
    b.putNull("restrictions");
    b.put("required_linear_history", true);
    b.put("allow_force_pushes", false);
    b.put("allow_deletions", false);
    return b;
  }
}
