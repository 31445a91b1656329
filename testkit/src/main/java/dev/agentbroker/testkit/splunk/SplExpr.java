package dev.agentbroker.testkit.splunk;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * SPL {@code eval}/{@code where} expressions, the subset the committed searches use: numbers,
 * {@code "strings"}, field names (bare, or {@code 'quoted'} when they hold dots or braces), {@code
 * + - * /}, comparisons ({@code = == != < > <= >=}), {@code AND OR NOT}, parentheses and the
 * functions {@code if, coalesce, max, min, now, null, relative_time, isnull, isnotnull}. Anything
 * else throws, so a search using more SPL than this evaluator knows fails loudly instead of being
 * half-evaluated.
 *
 * <p>Values are {@code Double}, {@code String}, {@code Boolean}, a {@code List<String>}
 * (multivalue) or null (missing field). Like Splunk, arithmetic or comparison with a missing field
 * gives null, and null is false in {@code where}.
 */
final class SplExpr {
  private final List<String> tokens;
  private final double now;
  private int pos;

  private SplExpr(String text, double now) {
    this.tokens = tokenize(text);
    this.now = now;
  }

  /** Evaluates {@code text} against one row; {@code now} is the search's {@code now()}. */
  static Object eval(String text, Map<String, Object> row, double now) {
    SplExpr p = new SplExpr(text, now);
    Node n = p.or();
    if (p.pos != p.tokens.size()) {
      throw new UnsupportedOperationException("unsupported expression near: " + p.peek());
    }
    return n.eval(row);
  }

  static boolean truthy(Object v) {
    return Boolean.TRUE.equals(v);
  }

  static Double number(Object v) {
    if (v instanceof Double d) {
      return d;
    }
    if (v instanceof String s) {
      try {
        return Double.parseDouble(s);
      } catch (NumberFormatException e) {
        return null;
      }
    }
    if (v instanceof List<?> l && l.size() == 1) {
      return number(l.get(0));
    }
    return null;
  }

  private interface Node {
    Object eval(Map<String, Object> row);
  }

  private Node or() {
    Node left = and();
    while (accept("OR")) {
      Node l = left;
      Node r = and();
      left = row -> truthy(l.eval(row)) || truthy(r.eval(row));
    }
    return left;
  }

  private Node and() {
    Node left = not();
    while (accept("AND")) {
      Node l = left;
      Node r = not();
      left = row -> truthy(l.eval(row)) && truthy(r.eval(row));
    }
    return left;
  }

  private Node not() {
    if (accept("NOT")) {
      Node inner = not();
      return row -> !truthy(inner.eval(row));
    }
    return comparison();
  }

  private Node comparison() {
    Node left = additive();
    String op = peek();
    if (op != null && List.of("=", "==", "!=", "<", ">", "<=", ">=").contains(op)) {
      pos++;
      Node right = additive();
      return row -> compare(op, left.eval(row), right.eval(row));
    }
    return left;
  }

  private static Object compare(String op, Object a, Object b) {
    if (a == null || b == null) {
      return op.equals("!=") ? null : false;
    }
    if (a instanceof List<?> l) {
      // Multivalue: true if any value satisfies it, as Splunk's where does.
      return l.stream().anyMatch(v -> truthy(compare(op, v, b)));
    }
    Double x = number(a);
    Double y = number(b);
    int c = x != null && y != null ? Double.compare(x, y) : a.toString().compareTo(b.toString());
    return switch (op) {
      case "=", "==" -> c == 0;
      case "!=" -> c != 0;
      case "<" -> c < 0;
      case ">" -> c > 0;
      case "<=" -> c <= 0;
      default -> c >= 0;
    };
  }

  private Node additive() {
    Node left = multiplicative();
    while (peek() != null && (peek().equals("+") || peek().equals("-"))) {
      String op = tokens.get(pos++);
      Node l = left;
      Node r = multiplicative();
      left = row -> arithmetic(op, l.eval(row), r.eval(row));
    }
    return left;
  }

  private Node multiplicative() {
    Node left = unary();
    while (peek() != null && (peek().equals("*") || peek().equals("/"))) {
      String op = tokens.get(pos++);
      Node l = left;
      Node r = unary();
      left = row -> arithmetic(op, l.eval(row), r.eval(row));
    }
    return left;
  }

  private static Object arithmetic(String op, Object a, Object b) {
    Double x = number(a);
    Double y = number(b);
    if (x == null || y == null) {
      return null;
    }
    return switch (op) {
      case "+" -> x + y;
      case "-" -> x - y;
      case "*" -> x * y;
      default -> y == 0 ? null : x / y;
    };
  }

  private Node unary() {
    if (accept("-")) {
      Node inner = unary();
      return row -> arithmetic("-", 0.0, inner.eval(row));
    }
    return primary();
  }

  private Node primary() {
    String t = tokens.get(pos++);
    if (t.equals("(")) {
      Node inner = or();
      expect(")");
      return inner;
    }
    if (t.startsWith("\"")) {
      String s = t.substring(1, t.length() - 1);
      return row -> s;
    }
    if (t.startsWith("'")) {
      String field = t.substring(1, t.length() - 1);
      return row -> row.get(field);
    }
    if (Character.isDigit(t.charAt(0))) {
      double d = Double.parseDouble(t);
      return row -> d;
    }
    if ("(".equals(peek())) {
      pos++;
      List<Node> args = new ArrayList<>();
      if (!accept(")")) {
        do {
          args.add(or());
        } while (accept(","));
        expect(")");
      }
      return function(t, args);
    }
    if (t.equals("true") || t.equals("false")) {
      boolean b = Boolean.parseBoolean(t);
      return row -> b;
    }
    return row -> row.get(t);
  }

  private Node function(String name, List<Node> a) {
    return switch (name) {
      case "if" -> row -> truthy(a.get(0).eval(row)) ? a.get(1).eval(row) : a.get(2).eval(row);
      case "coalesce" ->
          row -> {
            for (Node n : a) {
              Object v = n.eval(row);
              if (v != null) {
                return v;
              }
            }
            return null;
          };
      case "max", "min" ->
          row -> {
            Double best = null;
            for (Node n : a) {
              Double v = number(n.eval(row));
              if (v != null && (best == null || (name.equals("max") ? v > best : v < best))) {
                best = v;
              }
            }
            return best;
          };
      case "now" -> row -> now;
      case "null" -> row -> null;
      case "relative_time" ->
          row -> {
            Double base = number(a.get(0).eval(row));
            Object spec = a.get(1).eval(row);
            return base == null ? null : SplTime.relative(base, spec.toString());
          };
      case "isnull" -> row -> a.get(0).eval(row) == null;
      case "isnotnull" -> row -> a.get(0).eval(row) != null;
      default -> throw new UnsupportedOperationException("unsupported eval function " + name);
    };
  }

  private boolean accept(String t) {
    if (t.equals(peek())) {
      pos++;
      return true;
    }
    return false;
  }

  private void expect(String t) {
    if (!accept(t)) {
      throw new UnsupportedOperationException("expected " + t + " near: " + peek());
    }
  }

  private String peek() {
    return pos < tokens.size() ? tokens.get(pos) : null;
  }

  private static List<String> tokenize(String s) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '"' || c == '\'') {
        int end = s.indexOf(c, i + 1);
        if (end < 0) {
          throw new UnsupportedOperationException("unterminated quote in: " + s);
        }
        out.add(s.substring(i, end + 1));
        i = end + 1;
      } else if ("=!<>".indexOf(c) >= 0) {
        boolean two = i + 1 < s.length() && s.charAt(i + 1) == '=';
        out.add(s.substring(i, i + (two ? 2 : 1)));
        i += two ? 2 : 1;
      } else if ("()+-*/,".indexOf(c) >= 0) {
        out.add(String.valueOf(c));
        i++;
      } else {
        int j = i;
        while (j < s.length()
            && (Character.isLetterOrDigit(s.charAt(j)) || "_.{}".indexOf(s.charAt(j)) >= 0)) {
          j++;
        }
        if (j == i) {
          throw new UnsupportedOperationException("unexpected '" + c + "' in: " + s);
        }
        out.add(s.substring(i, j));
        i = j;
      }
    }
    return out;
  }
}
