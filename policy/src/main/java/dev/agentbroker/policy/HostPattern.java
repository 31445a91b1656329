package dev.agentbroker.policy;

import java.util.Locale;
import java.util.Objects;

/**
 * An egress host pattern: an exact lowercase DNS name, or {@code *.suffix} matching any name with
 * at least one extra label below the suffix (never the bare suffix itself).
 */
public record HostPattern(String pattern) {
  public HostPattern {
    Objects.requireNonNull(pattern, "pattern");
  }

  public boolean isWildcard() {
    return pattern.startsWith("*.");
  }

  /** Case-insensitive match; one trailing dot on the host (absolute DNS name) is ignored. */
  public boolean matches(String host) {
    if (host == null || host.isEmpty()) {
      return false;
    }
    String h = host.toLowerCase(Locale.ROOT);
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    if (isWildcard()) {
      String suffix = pattern.substring(1); // ".example.com"
      return h.length() > suffix.length() && h.endsWith(suffix);
    }
    return h.equals(pattern);
  }

  @Override
  public String toString() {
    return pattern;
  }
}
