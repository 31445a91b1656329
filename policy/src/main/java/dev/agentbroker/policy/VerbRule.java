package dev.agentbroker.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A privileged broker verb (e.g. {@code create-repo}): who may call it, how often, and which
 * parameter values are acceptable. Enforcing the rate is the caller's job; this is the rule.
 */
public record VerbRule(
    String name, List<String> allowedIdentities, Rate rate, Map<String, ParamRule> params) {
  public VerbRule {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(rate, "rate");
    allowedIdentities = List.copyOf(allowedIdentities);
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params == null ? Map.of() : params));
  }

  public boolean allows(String identityId) {
    return allowedIdentities.contains(identityId);
  }

  /**
   * Problems with the given call parameters; empty when acceptable. A parameter the rule does not
   * list is rejected: verbs take only what the policy constrains. Whether a listed parameter is
   * mandatory is up to the verb implementation.
   */
  public List<String> paramProblems(Map<String, String> values) {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> e : new java.util.TreeMap<>(values).entrySet()) {
      ParamRule rule = params.get(e.getKey());
      if (rule == null) {
        problems.add("parameter '" + e.getKey() + "' is not allowed for verb " + name);
      } else if (!rule.accepts(e.getValue())) {
        problems.add("parameter '" + e.getKey() + "' value '" + e.getValue() + "' is not allowed");
      }
    }
    return problems;
  }
}
