package dev.agentbroker.testkit.github;

import java.util.List;
import java.util.Map;

/**
 * One HTTP request as the simulator received it.
 *
 * @param method HTTP method
 * @param path request path including any query string
 * @param headers header names lower-cased (HTTP names are case-insensitive; lower case makes
 *     assertions unambiguous)
 * @param body the request body as UTF-8 text, empty when there was none
 */
public record RecordedRequest(
    String method, String path, Map<String, List<String>> headers, String body) {
  public RecordedRequest {
    headers = Map.copyOf(headers);
  }

  /** First value of a header, or null; {@code name} is matched case-insensitively. */
  public String header(String name) {
    List<String> v = headers.get(name.toLowerCase(java.util.Locale.ROOT));
    return v == null || v.isEmpty() ? null : v.get(0);
  }
}
