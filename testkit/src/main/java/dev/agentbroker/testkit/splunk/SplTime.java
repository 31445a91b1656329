package dev.agentbroker.testkit.splunk;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splunk relative time modifiers as the committed searches use them: {@code now}, {@code -24h@m},
 * {@code @m}, {@code -15m}: an optional offset ({@code s m h d}) then an optional snap to the start
 * of a unit (UTC). Anything else throws.
 */
final class SplTime {
  private static final Pattern SPEC = Pattern.compile("(?:([+-]\\d+)([smhd]))?(?:@([smhd]))?");

  private SplTime() {}

  static double relative(double epochSeconds, String spec) {
    if (spec.equals("now")) {
      return epochSeconds;
    }
    Matcher m = SPEC.matcher(spec);
    if (spec.isEmpty() || !m.matches()) {
      throw new UnsupportedOperationException("unsupported time modifier " + spec);
    }
    double t = epochSeconds;
    if (m.group(1) != null) {
      t += Long.parseLong(m.group(1)) * seconds(m.group(2));
    }
    if (m.group(3) != null) {
      long unit = seconds(m.group(3));
      t = Math.floor(t / unit) * unit;
    }
    return t;
  }

  static long seconds(String unit) {
    return switch (unit) {
      case "s" -> 1;
      case "m" -> 60;
      case "h" -> 3600;
      case "d" -> 86_400;
      default -> throw new UnsupportedOperationException("unsupported time unit " + unit);
    };
  }

  /** A {@code span=} value such as {@code 15m} or {@code 5m}, in seconds. */
  static long span(String text) {
    Matcher m = Pattern.compile("(\\d+)([smhd])").matcher(text);
    if (!m.matches()) {
      throw new UnsupportedOperationException("unsupported span " + text);
    }
    return Long.parseLong(m.group(1)) * seconds(m.group(2));
  }
}
