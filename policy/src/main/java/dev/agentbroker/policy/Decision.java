package dev.agentbroker.policy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Outcome of {@link CompiledPolicy#evaluate} (a token request) or {@link
 * CompiledPolicy#evaluateVerb} (a Tier B verb call): a stable {@link Reasons reason} code, the rule
 * that decided ({@code default-deny}, an identity id, {@code <identity>/<grant>} or {@code
 * verbs/<verb>}), and a human-readable explanation.
 *
 * @param identityId matched identity, or {@code null} when no identity matched (or none was asked
 *     for, as for break-glass)
 * @param profile profile of the matched identity, or {@code null} when no identity matched
 * @param scope for a token decision, present exactly when the outcome is ALLOW; a verb decision
 *     never has one (the verb, not the policy, knows what its just-in-time token needs)
 * @param verb the verb a verb decision is about; {@code null} for token decisions
 */
public record Decision(
    Outcome outcome,
    String reason,
    String ruleId,
    String identityId,
    Profile profile,
    Optional<Scope> scope,
    List<String> explanation,
    String verb) {
  public Decision {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(ruleId, "ruleId");
    scope = scope == null ? Optional.empty() : scope;
    explanation = explanation == null ? List.of() : List.copyOf(explanation);
    // The invariant other modules rely on: a token decision has a scope iff it is allowed, so a
    // scope can only come from an ALLOW; a verb decision has none, so it can never mint a token.
    if (verb == null && (outcome == Outcome.ALLOW) != scope.isPresent()) {
      throw new IllegalArgumentException("ALLOW requires a scope and DENY forbids one");
    }
    if (verb != null && scope.isPresent()) {
      throw new IllegalArgumentException("a verb decision carries no scope");
    }
  }

  /** A token-request decision. */
  public Decision(
      Outcome outcome,
      String reason,
      String ruleId,
      String identityId,
      Profile profile,
      Optional<Scope> scope,
      List<String> explanation) {
    this(outcome, reason, ruleId, identityId, profile, scope, explanation, null);
  }

  public boolean allowed() {
    return outcome == Outcome.ALLOW;
  }
}
