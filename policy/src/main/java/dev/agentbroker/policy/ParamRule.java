package dev.agentbroker.policy;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/** Constraint on one verb parameter: a closed list of values or an anchored regex. */
public sealed interface ParamRule permits ParamRule.OneOf, ParamRule.Matching {

  String name();

  boolean accepts(String value);

  /** Accepts exactly one of the listed values (case-sensitive). */
  record OneOf(String name, List<String> values) implements ParamRule {
    public OneOf {
      Objects.requireNonNull(name, "name");
      values = List.copyOf(values);
    }

    @Override
    public boolean accepts(String value) {
      return value != null && values.contains(value);
    }
  }

  /** Accepts values matching a pattern compiled as {@code ^(?:…)$}. */
  record Matching(String name, Pattern pattern) implements ParamRule {
    public Matching {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(pattern, "pattern");
    }

    @Override
    public boolean accepts(String value) {
      return value != null && pattern.matcher(value).matches();
    }
  }
}
