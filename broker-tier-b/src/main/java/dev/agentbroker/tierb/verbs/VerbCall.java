package dev.agentbroker.tierb.verbs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Optional;

/**
 * A validated call of a verb.
 *
 * @param owner the organization the call acts on
 * @param repository the existing repository the JIT token is scoped to, when GitHub allows it
 * @param policyParams the string parameters the policy may constrain (e.g. owner, name, team)
 * @param params the normalized parameters, echoed in results and audit details
 */
public record VerbCall(
    String verb,
    String owner,
    Optional<String> repository,
    Map<String, String> policyParams,
    ObjectNode params,
    boolean dryRun) {
  public VerbCall {
    policyParams = Map.copyOf(policyParams);
  }

  /**
   * A call on one existing repository: the JIT token is scoped to it, and the policy may constrain
   * {@code owner} and {@code repo}.
   */
  static VerbCall onRepository(
      String verb, String owner, String repo, ObjectNode params, boolean dryRun) {
    return new VerbCall(
        verb, owner, Optional.of(repo), Map.of("owner", owner, "repo", repo), params, dryRun);
  }

  /** {@code /repos/{owner}/{repo}} of a call made by {@link #onRepository}. */
  String repositoryPath() {
    return "/repos/" + params.get("owner").asText() + "/" + params.get("repo").asText();
  }
}
