package dev.agentbroker.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A privileged broker verb (e.g. {@code create-repo}): who may call it, how often, and which
 * parameter values are acceptable. Enforcing the rate is the caller's job; this is the rule. The
 * rule always pins {@code owner} to a list of organizations: a rule without it would act on every
 * organization the App is installed on.
 */
public record VerbRule(
    String name, List<String> allowedIdentities, Rate rate, Map<String, ParamRule> params) {
  /** The parameter every verb rule must pin with a list of values. */
  public static final String OWNER = "owner";

  public VerbRule {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(rate, "rate");
    allowedIdentities = List.copyOf(allowedIdentities);
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params == null ? Map.of() : params));
    if (!(params.get(OWNER) instanceof ParamRule.OneOf)) {
      throw new IllegalArgumentException("verb rule " + name + " must pin owner to a value list");
    }
  }

  public boolean allows(String identityId) {
    return allowedIdentities.contains(identityId);
  }

  /**
   * Parameters the call gives that the rule does not accept: a parameter the rule does not list
   * (verbs take only what the policy constrains) or a value its constraint rejects. Sorted by name.
   */
  public List<String> rejectedParams(Map<String, String> values) {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> e : new TreeMap<>(values).entrySet()) {
      ParamRule rule = params.get(e.getKey());
      if (rule == null) {
        problems.add("parameter '" + e.getKey() + "' is not listed in the rule for verb " + name);
      } else if (!rule.accepts(e.getValue())) {
        problems.add("parameter '" + e.getKey() + "' value '" + e.getValue() + "' is not allowed");
      }
    }
    return problems;
  }

  /**
   * Parameters the rule constrains that the call omits: a pinned optional parameter (e.g. {@code
   * template}) is required, or leaving it out would escape the pin. Sorted by name.
   */
  public List<String> missingParams(Map<String, String> values) {
    List<String> problems = new ArrayList<>();
    for (String p : new TreeMap<>(params).keySet()) {
      if (values.get(p) == null) {
        problems.add("parameter '" + p + "' is constrained by the rule and must be given");
      }
    }
    return problems;
  }

  /** Every problem with the given call parameters ({@link #rejectedParams}, then missing ones). */
  public List<String> paramProblems(Map<String, String> values) {
    List<String> all = new ArrayList<>(rejectedParams(values));
    all.addAll(missingParams(values));
    return all;
  }
}
