package dev.agentbroker.testkit.splunk;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The first segment of a search: {@code field=value} and {@code field!=value} terms, implicitly
 * ANDed. Values match case-insensitively with {@code *} as a wildcard; a multivalue field matches
 * if any value does; {@code field!=value} needs the field to exist (as in Splunk). {@code
 * earliest}/{@code latest} bound {@code _time}. Bare words, OR, NOT and parentheses are not used by
 * the committed searches and throw.
 */
final class SplBaseSearch {
  private static final Pattern TERM = Pattern.compile("([A-Za-z_][\\w.{}]*)(!?=)(.+)");

  private SplBaseSearch() {}

  static List<Map<String, Object>> filter(
      String segment, List<Map<String, Object>> events, double now) {
    List<Map<String, Object>> rows = new ArrayList<>(events);
    String text = segment.trim();
    if (text.startsWith("search ")) {
      text = text.substring("search ".length());
    }
    for (String term : SplTokens.splitWhitespace(text)) {
      Matcher m = TERM.matcher(term);
      if (!m.matches()) {
        throw new UnsupportedOperationException("unsupported search term " + term);
      }
      String field = m.group(1);
      String value = unquote(m.group(3));
      boolean negate = m.group(2).equals("!=");
      if (field.equals("earliest") || field.equals("latest")) {
        double bound = SplTime.relative(now, value);
        boolean earliest = field.equals("earliest");
        rows.removeIf(
            r -> {
              double t = SplExpr.number(r.get("_time"));
              return earliest ? t < bound : t >= bound;
            });
        continue;
      }
      Pattern glob = glob(value);
      rows.removeIf(r -> matches(r.get(field), glob) == negate || r.get(field) == null);
    }
    return rows;
  }

  private static boolean matches(Object v, Pattern glob) {
    if (v instanceof List<?> l) {
      return l.stream().anyMatch(x -> matches(x, glob));
    }
    if (v instanceof Double d && d == Math.rint(d)) {
      return glob.matcher(String.valueOf(d.longValue())).matches();
    }
    return v != null && glob.matcher(v.toString()).matches();
  }

  private static Pattern glob(String value) {
    String[] parts = value.split("\\*", -1);
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        re.append(".*");
      }
      re.append(Pattern.quote(parts[i]));
    }
    return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
  }

  private static String unquote(String v) {
    return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")
        ? v.substring(1, v.length() - 1)
        : v;
  }
}
