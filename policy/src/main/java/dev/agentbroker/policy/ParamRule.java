package dev.agentbroker.policy;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Constraint on one verb parameter: a closed list of values or an anchored regex.
 *
 * <p>Parameters that are GitHub names ({@link #GITHUB_NAMES}) are compared ignoring ASCII case,
 * because GitHub resolves {@code Acme/Svc-A} and {@code acme/svc-a} to the same repository: a
 * case-sensitive rule could be sidestepped by re-casing a name (a pattern such as {@code
 * (?!prod-).*} would let {@code PROD-db} through). Other parameters (visibility, permission,
 * branch: git ref names are case-sensitive) are compared exactly.
 */
public sealed interface ParamRule permits ParamRule.OneOf, ParamRule.Matching {

  /** Parameters holding GitHub logins or repository/team names, compared ignoring ASCII case. */
  Set<String> GITHUB_NAMES = Set.of("owner", "repo", "name", "template", "team");

  String name();

  boolean accepts(String value);

  /** Whether {@code param} is a GitHub name and so compared ignoring ASCII case. */
  static boolean ignoresCase(String param) {
    return GITHUB_NAMES.contains(param);
  }

  /** Accepts exactly one of the listed values (ignoring ASCII case for GitHub names). */
  record OneOf(String name, List<String> values) implements ParamRule {
    public OneOf {
      Objects.requireNonNull(name, "name");
      values = List.copyOf(values);
    }

    @Override
    public boolean accepts(String value) {
      if (value == null) {
        return false;
      }
      boolean ignoreCase = ParamRule.ignoresCase(name);
      for (String v : values) {
        if (ignoreCase ? asciiEqualsIgnoreCase(v, value) : v.equals(value)) {
          return true;
        }
      }
      return false;
    }

    // String.equalsIgnoreCase folds Unicode too (U+212A KELVIN SIGN equals 'k'); GitHub names are
    // ASCII, so only ASCII letters may match across case.
    private static boolean asciiEqualsIgnoreCase(String a, String b) {
      if (a.length() != b.length()) {
        return false;
      }
      for (int i = 0; i < a.length(); i++) {
        if (asciiLower(a.charAt(i)) != asciiLower(b.charAt(i))) {
          return false;
        }
      }
      return true;
    }

    private static char asciiLower(char c) {
      return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }
  }

  /**
   * Accepts values matching a pattern compiled as {@code ^(?:…)$}; for GitHub names the pattern is
   * recompiled with {@link Pattern#CASE_INSENSITIVE} (ASCII only, no {@code UNICODE_CASE}).
   */
  record Matching(String name, Pattern pattern) implements ParamRule {
    public Matching {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(pattern, "pattern");
      if (ParamRule.ignoresCase(name) && (pattern.flags() & Pattern.CASE_INSENSITIVE) == 0) {
        pattern = Pattern.compile(pattern.pattern(), pattern.flags() | Pattern.CASE_INSENSITIVE);
      }
    }

    @Override
    public boolean accepts(String value) {
      return value != null && pattern.matcher(value).matches();
    }
  }
}
