package dev.agentbroker.policy.internal;

import dev.agentbroker.policy.Profile;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Value checks shared by the section compilers. Each returns null (or empty) after recording a
 * problem, so callers keep going and report everything in one pass. A null scalar means the key was
 * absent and has already been reported by the walker when it mattered.
 */
final class Values {
  static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]*");
  private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,18}");

  private final Problems problems;

  Values(Problems problems) {
    this.problems = problems;
  }

  void problem(Wire.Scalar at, String message) {
    problems.add(at.loc(), message);
  }

  /** Non-empty text of any scalar kind (a login like {@code 123} is still text). */
  String text(Wire.Scalar s) {
    if (s == null) {
      return null;
    }
    if (s.kind() == Wire.Kind.NULL || s.text().isEmpty()) {
      problem(s, "must not be empty");
      return null;
    }
    return s.text();
  }

  /** Text that must fully match {@code pattern}; {@code what} names the expected shape. */
  String matching(Wire.Scalar s, Pattern pattern, String what) {
    String t = text(s);
    if (t != null && !pattern.matcher(t).matches()) {
      problem(s, "'" + t + "' is not " + what);
      return null;
    }
    return t;
  }

  /** A plain decimal YAML integer in [min, max]; hex, octal and quoted numbers are rejected. */
  Integer integer(Wire.Scalar s, int min, int max) {
    if (s == null) {
      return null;
    }
    if (s.kind() != Wire.Kind.INT || !DECIMAL.matcher(s.text()).matches()) {
      problem(
          s, "must be an integer between " + min + " and " + max + ", found '" + s.text() + "'");
      return null;
    }
    long v = Long.parseLong(s.text());
    if (v < min || v > max) {
      problem(s, "must be between " + min + " and " + max + ", found " + v);
      return null;
    }
    return (int) v;
  }

  Boolean bool(Wire.Scalar s) {
    if (s == null) {
      return null;
    }
    if (s.text().equals("true") || s.text().equals("false")) {
      return Boolean.valueOf(s.text());
    }
    problem(s, "must be true or false, found '" + s.text() + "'");
    return null;
  }

  /**
   * Compiles a user regex wrapped as {@code ^(?:…)$}: without the wrap, {@code agent} would also
   * match {@code agent-launcher-evil} and {@code a|b} would match anything containing a or b.
   */
  Optional<Pattern> regex(Wire.Scalar s) {
    String t = text(s);
    if (t == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Pattern.compile("^(?:" + t + ")$"));
    } catch (PatternSyntaxException e) {
      problem(
          s, "invalid regex '" + t + "': " + e.getDescription() + " near index " + e.getIndex());
      return Optional.empty();
    }
  }

  Profile profile(Wire.Scalar s) {
    String t = text(s);
    if (t == null) {
      return null;
    }
    Optional<Profile> p = Profile.fromWire(t);
    if (p.isEmpty()) {
      problem(s, "unknown profile '" + t + "' (expected interactive, autonomous or ci)");
      return null;
    }
    return p.get();
  }
}
