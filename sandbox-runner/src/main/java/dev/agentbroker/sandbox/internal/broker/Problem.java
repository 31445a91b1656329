package dev.agentbroker.sandbox.internal.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.agentbroker.sandbox.AgentException;
import dev.agentbroker.sandbox.ExitCode;
import dev.agentbroker.sandbox.internal.http.JsonHttp;
import java.util.ArrayList;
import java.util.List;

/**
 * A broker refusal as its problem document says it: the stable {@code code} picks the exit code,
 * {@code reason}, {@code detail} and violations make the one-line message. Text from the broker is
 * capped and stripped of control characters before it reaches the terminal.
 */
record Problem(
    int status,
    String code,
    String reason,
    String detail,
    List<String> violations,
    String retryAfter) {
  static Problem of(JsonHttp.Response r) {
    // Not a problem document: the fields stay empty and the status alone decides below.
    JsonNode n = JsonHttp.object(r.body()).orElse(MissingNode.getInstance());
    String code = JsonHttp.printable(n.path("code").asText(""));
    String reason = JsonHttp.printable(n.path("reason").asText(""));
    String detail = JsonHttp.printable(n.path("detail").asText(""));
    List<String> violations = new ArrayList<>();
    n.path("violations")
        .forEach(
            v ->
                violations.add(
                    JsonHttp.printable(
                        v.path("field").asText("") + " " + v.path("message").asText(""))));
    return new Problem(r.status(), code, reason, detail, List.copyOf(violations), r.retryAfter());
  }

  AgentException toException(String what) {
    String summary = summary();
    // HTTP's own meaning decides when a proxy or server answered without a problem document.
    String key = !code.isEmpty() ? code : status == 401 ? "unauthenticated" : "";
    return switch (key) {
      case "unauthenticated" ->
          new AgentException(
              ExitCode.UNAUTHENTICATED,
              "the broker refused the caller credential (" + summary + ")");
      case "policy_denied" ->
          new AgentException(
              ExitCode.POLICY_DENIED, "the policy denies this request (" + summary + ")");
      case "upstream_unavailable",
          "upstream_rate_limited",
          "audit_unavailable",
          "key_unavailable",
          "rate_limiter_unavailable",
          "internal_error" ->
          new AgentException(
              ExitCode.BROKER_UNAVAILABLE,
              "the broker cannot " + what + " now (" + summary + ")" + retry());
      default ->
          status >= 500 && code.isEmpty()
              ? new AgentException(
                  ExitCode.BROKER_UNAVAILABLE, "the broker answered HTTP " + status + " to " + what)
              : new AgentException(
                  ExitCode.BROKER_REFUSED,
                  "the broker refused to " + what + " (" + summary + ")" + retry());
    };
  }

  private String summary() {
    StringBuilder sb = new StringBuilder(code.isEmpty() ? "HTTP " + status : code);
    if (!reason.isEmpty()) {
      sb.append(": ").append(reason);
    }
    if (!detail.isEmpty()) {
      sb.append(" - ").append(detail);
    }
    if (!violations.isEmpty()) {
      sb.append(" [").append(String.join("; ", violations)).append(']');
    }
    return sb.length() > 400 ? sb.substring(0, 400) + "…" : sb.toString();
  }

  private String retry() {
    return retryAfter.isEmpty() ? "" : "; retry after " + JsonHttp.printable(retryAfter) + " s";
  }
}
