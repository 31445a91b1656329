package dev.agentbroker.testkit.sso;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code application/x-www-form-urlencoded} pairs (query strings and form bodies), repeats kept.
 */
final class Form {
  private final Map<String, List<String>> values;

  private Form(Map<String, List<String>> values) {
    this.values = values;
  }

  static Form parse(String raw) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    if (raw != null && !raw.isEmpty()) {
      for (String pair : raw.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String k = decode(eq < 0 ? pair : pair.substring(0, eq));
        String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
        m.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
      }
    }
    return new Form(m);
  }

  /** The value when given exactly once, else null (missing, or ambiguous because repeated). */
  String single(String name) {
    List<String> v = values.get(name);
    return v == null || v.size() != 1 ? null : v.get(0);
  }

  boolean duplicated(String name) {
    List<String> v = values.get(name);
    return v != null && v.size() > 1;
  }

  /** OAuth: "Request and response parameters MUST NOT be included more than once." */
  boolean anyDuplicated() {
    return values.values().stream().anyMatch(v -> v.size() > 1);
  }

  static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
