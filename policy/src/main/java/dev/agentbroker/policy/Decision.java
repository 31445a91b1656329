package dev.agentbroker.policy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Outcome of {@link CompiledPolicy#evaluate}: a stable {@link Reasons reason} code, the rule that
 * decided ({@code default-deny}, an identity id, or {@code <identity>/<grant>}), and a
 * human-readable explanation.
 *
 * @param identityId matched identity, or {@code null} when no identity matched
 * @param profile profile of the matched identity, or {@code null} when no identity matched
 * @param scope present exactly when the outcome is ALLOW
 */
public record Decision(
    Outcome outcome,
    String reason,
    String ruleId,
    String identityId,
    Profile profile,
    Optional<Scope> scope,
    List<String> explanation) {
  public Decision {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(ruleId, "ruleId");
    scope = scope == null ? Optional.empty() : scope;
    explanation = explanation == null ? List.of() : List.copyOf(explanation);
    // The invariant other modules rely on: a scope exists iff the request is allowed.
    if ((outcome == Outcome.ALLOW) != scope.isPresent()) {
      throw new IllegalArgumentException("ALLOW requires a scope and DENY forbids one");
    }
  }

  public boolean allowed() {
    return outcome == Outcome.ALLOW;
  }
}
