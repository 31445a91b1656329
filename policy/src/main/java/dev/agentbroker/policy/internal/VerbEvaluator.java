package dev.agentbroker.policy.internal;

import dev.agentbroker.policy.Caller;
import dev.agentbroker.policy.CompiledPolicy;
import dev.agentbroker.policy.Decision;
import dev.agentbroker.policy.IdentityRule;
import dev.agentbroker.policy.Outcome;
import dev.agentbroker.policy.Profile;
import dev.agentbroker.policy.Reasons;
import dev.agentbroker.policy.VerbRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Verb-call evaluation. Deny by default. Steps, in order: (1) an identity matches the caller, else
 * {@code no_matching_identity}; (2) a rule for the verb lists that identity, else {@code
 * verb_not_granted}; (3) every given parameter is listed by the rule and accepted, else {@code
 * parameter_not_allowed}; (4) every parameter the rule lists is given, else {@code
 * parameter_required}. Break-glass skips (1) and (2): a second human's approval replaces them, the
 * parameter rules still hold.
 */
public final class VerbEvaluator {
  private VerbEvaluator() {}

  public static Decision evaluate(
      CompiledPolicy policy, Caller caller, String verb, Map<String, String> params) {
    Objects.requireNonNull(caller, "caller");
    Objects.requireNonNull(verb, "verb");
    Objects.requireNonNull(params, "params");
    Optional<IdentityRule> match = policy.identify(caller);
    if (match.isEmpty()) {
      return Evaluator.noMatchingIdentity(caller, verb);
    }
    IdentityRule identity = match.get();
    List<String> lines = new ArrayList<>();
    lines.add("identity '" + identity.id() + "' matched");
    VerbRule rule = policy.verbs().get(verb);
    if (rule == null) {
      lines.add("the policy has no rule for verb '" + verb + "'");
      return decide(
          Outcome.DENY,
          Reasons.VERB_NOT_GRANTED,
          Reasons.DEFAULT_DENY_RULE,
          identity.id(),
          identity.profile(),
          lines,
          verb);
    }
    if (!rule.allows(identity.id())) {
      lines.add(
          "verb '" + verb + "' is allowed only to " + rule.allowedIdentities() + ", not to this");
      return decide(
          Outcome.DENY,
          Reasons.VERB_NOT_GRANTED,
          ruleId(verb),
          identity.id(),
          identity.profile(),
          lines,
          verb);
    }
    return params(rule, params, identity.id(), identity.profile(), lines);
  }

  /** Break-glass: only the parameter rules; without a rule the approval is the only control. */
  public static Decision evaluateBreakGlass(
      CompiledPolicy policy, String verb, Map<String, String> params) {
    Objects.requireNonNull(verb, "verb");
    Objects.requireNonNull(params, "params");
    VerbRule rule = policy.verbs().get(verb);
    List<String> lines = new ArrayList<>();
    if (rule == null) {
      lines.add("no rule for verb '" + verb + "': the break-glass approval is the only control");
      return decide(
          Outcome.ALLOW, Reasons.ALLOWED, Reasons.BREAK_GLASS_RULE, null, null, lines, verb);
    }
    lines.add("break-glass: the parameter rules of verb '" + verb + "' apply");
    return params(rule, params, null, null, lines);
  }

  private static Decision params(
      VerbRule rule,
      Map<String, String> params,
      String identityId,
      Profile profile,
      List<String> lines) {
    String verb = rule.name();
    List<String> rejected = rule.rejectedParams(params);
    if (!rejected.isEmpty()) {
      lines.addAll(rejected);
      return decide(
          Outcome.DENY,
          Reasons.PARAMETER_NOT_ALLOWED,
          ruleId(verb),
          identityId,
          profile,
          lines,
          verb);
    }
    List<String> missing = rule.missingParams(params);
    if (!missing.isEmpty()) {
      lines.addAll(missing);
      return decide(
          Outcome.DENY, Reasons.PARAMETER_REQUIRED, ruleId(verb), identityId, profile, lines, verb);
    }
    lines.add("every parameter is listed and accepted by rule " + ruleId(verb));
    return decide(Outcome.ALLOW, Reasons.ALLOWED, ruleId(verb), identityId, profile, lines, verb);
  }

  private static String ruleId(String verb) {
    return Reasons.VERB_RULE_PREFIX + verb;
  }

  private static Decision decide(
      Outcome outcome,
      String reason,
      String ruleId,
      String identityId,
      Profile profile,
      List<String> lines,
      String verb) {
    return new Decision(
        outcome, reason, ruleId, identityId, profile, Optional.empty(), lines, verb);
  }
}
