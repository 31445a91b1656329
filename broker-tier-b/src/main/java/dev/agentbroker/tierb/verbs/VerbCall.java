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
}
