package dev.agentbroker.tierb.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentbroker.request.ErrorCode;
import dev.agentbroker.tiera.github.GitHubException;
import dev.agentbroker.tierb.verbs.PlannedCall;
import dev.agentbroker.tierb.verbs.Verb;
import dev.agentbroker.tierb.verbs.VerbCall;

/** Renders dry-run plans and maps JIT-mint failures to problem codes. */
public final class VerbJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private VerbJson() {}

  /** The dry-run answer: parameters, the JIT token's permissions and scope, the exact calls. */
  public static ObjectNode plan(Verb verb, VerbCall call) {
    ObjectNode out = MAPPER.createObjectNode();
    out.put("verb", verb.name());
    out.put("dry_run", true);
    out.set("params", call.params());
    ObjectNode perms = out.putObject("jit_permissions");
    new java.util.TreeMap<>(verb.permissions()).forEach(perms::put);
    out.put("jit_scope", verb.installationWide() ? "installation" : "repository");
    ArrayNode plan = out.putArray("plan");
    for (PlannedCall c : verb.plan(call)) {
      ObjectNode n = plan.addObject();
      n.put("method", c.method()).put("path", c.path()).put("purpose", c.purpose());
      if (c.merge() != null) {
        // The body sent depends on the current state, read when the verb runs.
        n.put("reads_current_state", true);
        n.set("baseline", c.body());
      } else if (c.body() != null) {
        n.set("body", c.body());
      }
    }
    return out;
  }

  /** How a failed JIT mint is reported to the caller. */
  public static ErrorCode errorCode(GitHubException.Kind kind) {
    switch (kind) {
      case SCOPE_REJECTED:
      case NOT_INSTALLED:
      case SUSPENDED:
        return ErrorCode.GITHUB_REJECTED;
      case RATE_LIMITED:
        return ErrorCode.UPSTREAM_RATE_LIMITED;
      case UNAVAILABLE:
        return ErrorCode.UPSTREAM_UNAVAILABLE;
      case MISCONFIGURED:
        return ErrorCode.UPSTREAM_MISCONFIGURED;
      case KEY_UNAVAILABLE:
        return ErrorCode.KEY_UNAVAILABLE;
      default:
        return ErrorCode.UPSTREAM_ERROR;
    }
  }
}
