package dev.agentbroker.testkit.splunk;

import java.util.ArrayList;
import java.util.List;

/** Splitting SPL text outside quotes and parentheses. */
final class SplTokens {
  private SplTokens() {}

  static List<String> splitPipes(String spl) {
    return split(spl, '|');
  }

  static List<String> splitTopLevelCommas(String text) {
    return split(text, ',');
  }

  private static List<String> split(String text, char sep) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    char quote = 0;
    int depth = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
        cur.append(c);
        continue;
      }
      if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      }
      if (c == sep && depth == 0) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    if (quote != 0) {
      throw new UnsupportedOperationException("unterminated quote in: " + text);
    }
    out.add(cur.toString());
    return out;
  }
}
