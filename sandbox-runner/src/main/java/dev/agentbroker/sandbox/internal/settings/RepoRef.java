package dev.agentbroker.sandbox.internal.settings;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One GitHub repository, {@code OWNER/NAME}, checked against GitHub's own name rules so a typo is
 * refused locally (exit 64) instead of reaching the broker: owners are 1–39 letters, digits and
 * inner hyphens; names are 1–100 of letters, digits, {@code . _ -}, never {@code .} or {@code ..}.
 */
public record RepoRef(String owner, String name) {
  private static final Pattern OWNER =
      Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

  /** Parses {@code OWNER/NAME}; a trailing {@code .git} is not part of a repository name here. */
  public static RepoRef parse(String text) {
    Optional<String> problem = problem(text);
    if (problem.isPresent()) {
      throw new IllegalArgumentException(problem.get());
    }
    int slash = text.indexOf('/');
    return new RepoRef(text.substring(0, slash), text.substring(slash + 1));
  }

  /** Why {@code text} is not an {@code OWNER/NAME}, if it is not. */
  public static Optional<String> problem(String text) {
    if (text == null || text.isBlank()) {
      return Optional.of("--repo is required as OWNER/NAME");
    }
    int slash = text.indexOf('/');
    if (slash < 0) {
      return Optional.of("--repo '" + printable(text) + "' has no owner: use OWNER/NAME");
    }
    if (text.indexOf('/', slash + 1) >= 0) {
      return Optional.of("--repo '" + printable(text) + "' has more than one '/': use OWNER/NAME");
    }
    String owner = text.substring(0, slash);
    String name = text.substring(slash + 1);
    if (!OWNER.matcher(owner).matches()) {
      return Optional.of(
          "--repo owner '"
              + printable(owner)
              + "' is not a GitHub account name (1-39 letters, digits, inner hyphens)");
    }
    if (!NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
      return Optional.of(
          "--repo name '"
              + printable(name)
              + "' is not a GitHub repository name (1-100 of letters, digits, '.', '_', '-')");
    }
    return Optional.empty();
  }

  /** Same repository, GitHub-style (names compare case-insensitively). */
  public boolean sameAs(String otherOwner, String otherName) {
    return owner.equalsIgnoreCase(otherOwner) && name.equalsIgnoreCase(otherName);
  }

  public String key() {
    return (owner + "/" + name).toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return owner + "/" + name;
  }

  /** User text shown back in an error: control characters replaced, length capped. */
  static String printable(String s) {
    String cleaned =
        s.codePoints()
            .map(c -> Character.isISOControl(c) ? '?' : c)
            .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
            .toString();
    return cleaned.length() > 80 ? cleaned.substring(0, 80) + "…" : cleaned;
  }
}
