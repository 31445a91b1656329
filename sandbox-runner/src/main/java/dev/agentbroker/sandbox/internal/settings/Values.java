package dev.agentbroker.sandbox.internal.settings;

import dev.agentbroker.policy.GitHubPermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsers for the command line's value syntaxes. Each throws {@link IllegalArgumentException} with
 * a message that names the flag and the accepted form; callers turn it into exit 64.
 */
public final class Values {
  private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h)");
  private static final Pattern SIZE =
      Pattern.compile("([0-9]{1,12})([kmg]?)", Pattern.CASE_INSENSITIVE);
  private static final Pattern CPUS = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,2})?");

  private Values() {}

  /** {@code 90s}, {@code 30m}, {@code 2h}, {@code 500ms}; at least 1 s, at most 7 days. */
  public static Duration duration(String flag, String text) {
    Matcher m = DURATION.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          flag
              + " '"
              + RepoRef.printable(String.valueOf(text))
              + "' is not a duration (e.g. 90s, 30m, 2h)");
    }
    long n = Long.parseLong(m.group(1));
    Duration d =
        switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          default -> Duration.ofHours(n);
        };
    if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(Duration.ofDays(7)) > 0) {
      throw new IllegalArgumentException(flag + " must be between 1s and 168h");
    }
    return d;
  }

  /** {@code 4g}, {@code 512m}, {@code 65536k} or bytes; at least 16 MiB. */
  public static long bytes(String flag, String text) {
    Matcher m = SIZE.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          flag
              + " '"
              + RepoRef.printable(String.valueOf(text))
              + "' is not a size (e.g. 512m, 4g)");
    }
    long n = Long.parseLong(m.group(1));
    long unit =
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "k" -> 1L << 10;
          case "m" -> 1L << 20;
          case "g" -> 1L << 30;
          default -> 1L;
        };
    if (n > Long.MAX_VALUE / unit || n * unit < (16L << 20)) {
      throw new IllegalArgumentException(flag + " must be at least 16m");
    }
    return n * unit;
  }

  /** {@code 2}, {@code 0.5}: between 0.01 and 512. */
  public static double cpus(String flag, String text) {
    String t = text == null ? "" : text.trim();
    if (!CPUS.matcher(t).matches()) {
      throw new IllegalArgumentException(
          flag + " '" + RepoRef.printable(t) + "' is not a CPU count (e.g. 2, 0.5)");
    }
    double v = Double.parseDouble(t);
    if (v < 0.01 || v > 512) {
      throw new IllegalArgumentException(flag + " must be between 0.01 and 512");
    }
    return v;
  }

  /** A positive process limit, 16..1,000,000. */
  public static int pids(String flag, String text) {
    try {
      int v = Integer.parseInt(text == null ? "" : text.trim());
      if (v >= 16 && v <= 1_000_000) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(flag + " must be a whole number from 16 to 1000000");
  }

  /**
   * {@code contents=write,pull_requests=read}: GitHub permission names and levels, checked against
   * GitHub's catalog so a misspelt name is refused here rather than silently widened or narrowed.
   */
  public static Map<String, String> permissions(String flag, String text) {
    Map<String, String> out = new LinkedHashMap<>();
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(flag + " is empty: use NAME=LEVEL[,NAME=LEVEL…]");
    }
    for (String part : text.split(",", -1)) {
      int eq = part.indexOf('=');
      if (eq <= 0 || eq == part.length() - 1) {
        throw new IllegalArgumentException(
            flag + " entry '" + RepoRef.printable(part) + "' is not NAME=LEVEL");
      }
      String name = part.substring(0, eq).trim();
      String level = part.substring(eq + 1).trim();
      Optional<String> problem = GitHubPermissions.problem(name, level);
      if (problem.isPresent()) {
        throw new IllegalArgumentException(flag + " " + problem.get());
      }
      if (out.put(name, level) != null) {
        throw new IllegalArgumentException(flag + " names '" + name + "' twice");
      }
    }
    return out;
  }

  /** {@code contents=write,pull_requests=write}, the inverse of {@link #permissions}. */
  public static String render(Map<String, String> permissions) {
    StringBuilder sb = new StringBuilder();
    permissions.forEach(
        (k, v) -> sb.append(sb.isEmpty() ? "" : ",").append(k).append('=').append(v));
    return sb.toString();
  }
}
