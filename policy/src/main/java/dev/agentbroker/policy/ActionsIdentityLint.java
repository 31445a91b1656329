package dev.agentbroker.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Warnings for identities trusted from GitHub Actions OIDC ({@code policy lint}; they do not fail
 * the file). A grant keyed on a repository <em>name</em> passes to whoever holds that name next: a
 * renamed, transferred or deleted-and-re-created repository. GitHub's numeric ids never move, so
 * the recommended identity matches {@code repository_id} (or the immutable subject {@code
 * repo:OWNER@OWNER_ID/NAME@REPO_ID:…}) and pins {@code job_workflow_ref} to the reviewed reusable
 * workflow, so no other workflow of the repository gets the grant.
 */
public final class ActionsIdentityLint {
  /**
   * github.com's issuer; GitHub Enterprise Server issues from {@code https://HOST/_services/token}.
   */
  public static final String GITHUB_ACTIONS_ISSUER = "https://token.actions.githubusercontent.com";

  /** An immutable subject names owner and repository with their ids: {@code OWNER@123/NAME@456}. */
  private static final Pattern IMMUTABLE_SUBJECT = Pattern.compile("@[0-9]+/.*@[0-9]+");

  private ActionsIdentityLint() {}

  static boolean isActionsIssuer(String issuer) {
    return issuer.equals(GITHUB_ACTIONS_ISSUER) || issuer.endsWith("/_services/token");
  }

  /** One line per warning: {@code identities[ID]: warning: …}. */
  public static List<String> warnings(CompiledPolicy policy) {
    List<String> out = new ArrayList<>();
    for (IdentityRule i : policy.identities()) {
      if (!isActionsIssuer(i.issuer())) {
        continue;
      }
      String where = "identities[" + i.id() + "]: warning: ";
      boolean byId =
          i.claims().containsKey("repository_id")
              || i.subject().map(p -> IMMUTABLE_SUBJECT.matcher(p.pattern()).find()).orElse(false);
      if (!byId) {
        out.add(
            where
                + "matches the repository by name only: a renamed, transferred or re-created repository"
                + " would inherit this grant; also match the claim repository_id (and"
                + " repository_owner_id), or the immutable subject repo:OWNER@OWNER_ID/NAME@REPO_ID:...");
      }
      if (!i.claims().containsKey("job_workflow_ref")) {
        out.add(
            where
                + "does not pin job_workflow_ref: any workflow that runs in a matching repository (and"
                + " anyone who can push one) gets this identity; pin the reviewed reusable workflow,"
                + " e.g. job_workflow_ref: \"acme/agent-workflows/.github/workflows/agent-run.yml@refs/heads/main\"");
      }
    }
    return out;
  }
}
