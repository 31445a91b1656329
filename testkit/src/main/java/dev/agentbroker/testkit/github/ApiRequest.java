package dev.agentbroker.testkit.github;

import com.sun.net.httpserver.Headers;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An incoming request, decoded once for the handlers. */
final class ApiRequest {
  final String method;
  final String path;
  final List<String> segments;
  final Map<String, String> query;
  final Headers headers;
  final byte[] body;

  /** Documentation URL of the matched endpoint, used by errors that do not name their own. */
  String documentationUrl = Messages.DOCS_REST;

  ApiRequest(String method, String path, String rawQuery, Headers headers, byte[] body) {
    this.method = method;
    this.path = path;
    String trimmed = path.startsWith("/") ? path.substring(1) : path;
    this.segments = trimmed.isEmpty() ? List.of() : Arrays.asList(trimmed.split("/"));
    this.query = parseQuery(rawQuery);
    this.headers = headers;
    this.body = body;
  }

  /** First value of a header, or null. {@link Headers} matches names case-insensitively. */
  String header(String name) {
    return headers.getFirst(name);
  }

  /** True when the path is exactly these segments; {@code "*"} matches any one segment. */
  boolean matches(String method, String... pattern) {
    if (!this.method.equals(method) || segments.size() != pattern.length) {
      return false;
    }
    for (int i = 0; i < pattern.length; i++) {
      if (!"*".equals(pattern[i]) && !pattern[i].equals(segments.get(i))) {
        return false;
      }
    }
    return true;
  }

  String segment(int i) {
    return segments.get(i);
  }

  private static Map<String, String> parseQuery(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      out.putIfAbsent(
          URLDecoder.decode(k, StandardCharsets.UTF_8),
          URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return out;
  }
}
