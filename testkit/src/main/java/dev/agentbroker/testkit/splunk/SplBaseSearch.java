package dev.agentbroker.testkit.splunk;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The first segment of a search: {@code field=value} and {@code field!=value} terms, implicitly
 * ANDed, with {@code OR}, {@code NOT} and parentheses. Values match case-insensitively with {@code
 * *} as a wildcard; a multivalue field matches if any value does; {@code field!=value} needs the
 * field to exist (as in Splunk, unlike {@code NOT field=value}). {@code earliest}/{@code latest}
 * bound {@code _time}. Bare words (full-text search) are not used by the committed searches and
 * throw.
 */
final class SplBaseSearch {
  private static final Pattern TERM = Pattern.compile("([A-Za-z_][\\w.{}]*)(!?=)(.+)");

  private final List<String> tokens;
  private final double now;
  private int pos;

  private SplBaseSearch(String text, double now) {
    this.tokens = tokenize(text);
    this.now = now;
  }

  static List<Map<String, Object>> filter(
      String segment, List<Map<String, Object>> events, double now) {
    String text = segment.trim();
    if (text.startsWith("search ")) {
      text = text.substring("search ".length());
    }
    SplBaseSearch p = new SplBaseSearch(text, now);
    Predicate<Map<String, Object>> match = p.or();
    if (p.pos != p.tokens.size()) {
      throw new UnsupportedOperationException("unsupported search near " + p.tokens.get(p.pos));
    }
    return events.stream().filter(match).toList();
  }

  private Predicate<Map<String, Object>> or() {
    Predicate<Map<String, Object>> left = and();
    while (pos < tokens.size() && tokens.get(pos).equals("OR")) {
      pos++;
      left = left.or(and());
    }
    return left;
  }

  private Predicate<Map<String, Object>> and() {
    Predicate<Map<String, Object>> all = r -> true;
    while (pos < tokens.size() && !tokens.get(pos).equals("OR") && !tokens.get(pos).equals(")")) {
      all = all.and(unary());
    }
    return all;
  }

  private Predicate<Map<String, Object>> unary() {
    String t = tokens.get(pos++);
    if (t.equals("NOT")) {
      return unary().negate();
    }
    if (t.equals("(")) {
      Predicate<Map<String, Object>> inner = or();
      if (pos >= tokens.size() || !tokens.get(pos++).equals(")")) {
        throw new UnsupportedOperationException("unbalanced parentheses in search");
      }
      return inner;
    }
    return term(t);
  }

  private Predicate<Map<String, Object>> term(String term) {
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
      return r -> {
        double t = SplExpr.number(r.get("_time"));
        return earliest ? t >= bound : t < bound;
      };
    }
    Pattern glob = glob(value);
    return r -> r.get(field) != null && matches(r.get(field), glob) != negate;
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

  /** Whitespace-separated terms; parentheses outside quotes are tokens of their own. */
  private static List<String> tokenize(String text) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"') {
        quoted = !quoted;
        cur.append(c);
      } else if (!quoted && (Character.isWhitespace(c) || c == '(' || c == ')')) {
        if (cur.length() > 0) {
          out.add(cur.toString());
          cur.setLength(0);
        }
        if (!Character.isWhitespace(c)) {
          out.add(String.valueOf(c));
        }
      } else {
        cur.append(c);
      }
    }
    if (quoted) {
      throw new UnsupportedOperationException("unterminated quote in search");
    }
    if (cur.length() > 0) {
      out.add(cur.toString());
    }
    return out;
  }
}
