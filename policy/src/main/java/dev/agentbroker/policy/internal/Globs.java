package dev.agentbroker.policy.internal;

import java.util.regex.Pattern;

/**
 * Repository-name globs. Only {@code *} is special and it matches any run of characters except
 * {@code /}. Matching is ASCII case-insensitive because GitHub repository names are.
 */
public final class Globs {
  /** GitHub repository names: ASCII letters, digits, '.', '_', '-'; at most 100 chars. */
  private static final Pattern REPOSITORY_NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

  /** Grant entries: a repository name that may contain {@code *}. */
  private static final Pattern GLOB = Pattern.compile("[A-Za-z0-9._*-]{1,100}");

  private Globs() {}

  public static boolean isValidGlob(String glob) {
    return glob != null && GLOB.matcher(glob).matches();
  }

  /**
   * Requested names must be real repository names before any glob sees them: otherwise {@code *}
   * would happily match {@code ..} or names with spaces that GitHub would interpret differently.
   */
  public static boolean isValidRepositoryName(String name) {
    return name != null
        && REPOSITORY_NAME.matcher(name).matches()
        && !name.equals(".")
        && !name.equals("..");
  }

  /** True when {@code name} is a valid repository name matched by {@code glob}. */
  public static boolean matches(String glob, String name) {
    if (!isValidRepositoryName(name)) {
      return false;
    }
    // Iterative wildcard matching with single-star backtracking: linear-ish, no regex needed.
    int p = 0;
    int s = 0;
    int star = -1;
    int mark = 0;
    while (s < name.length()) {
      if (p < glob.length() && glob.charAt(p) == '*') {
        star = p++;
        mark = s;
      } else if (p < glob.length() && sameIgnoringAsciiCase(glob.charAt(p), name.charAt(s))) {
        p++;
        s++;
      } else if (star >= 0 && name.charAt(mark) != '/') {
        p = star + 1;
        s = ++mark;
      } else {
        return false;
      }
    }
    while (p < glob.length() && glob.charAt(p) == '*') {
      p++;
    }
    return p == glob.length();
  }

  private static boolean sameIgnoringAsciiCase(char a, char b) {
    return lower(a) == lower(b);
  }

  private static char lower(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
  }
}
