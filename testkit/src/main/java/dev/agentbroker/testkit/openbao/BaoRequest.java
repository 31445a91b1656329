package dev.agentbroker.testkit.openbao;

import java.util.List;
import java.util.Map;

/**
 * One request as received (headers lower-cased). Recorded so tests can check what the broker sent
 * and scan it; the {@code X-Vault-Token} value is kept because tests need it to prove it never
 * reached a log.
 */
public record BaoRequest(
    String method, String path, Map<String, List<String>> headers, String body, int status) {
  public String header(String name) {
    List<String> v = headers.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }
}
