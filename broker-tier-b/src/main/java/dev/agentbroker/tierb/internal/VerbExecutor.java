package dev.agentbroker.tierb.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentbroker.audit.TokenHashes;
import dev.agentbroker.policy.Scope;
import dev.agentbroker.tiera.github.GitHubAnswer;
import dev.agentbroker.tiera.github.GitHubAppClient;
import dev.agentbroker.tiera.github.GitHubException;
import dev.agentbroker.tiera.github.GitHubInstallationCalls;
import dev.agentbroker.tiera.github.InstallationToken;
import dev.agentbroker.tierb.verbs.PlannedCall;
import dev.agentbroker.tierb.verbs.Verb;
import dev.agentbroker.tierb.verbs.VerbCall;
import java.util.List;

/**
 * Performs a verb with a just-in-time token: mint exactly the verb's permissions for exactly its
 * target, run the planned calls in order, stop at the first failure, and always revoke the token.
 * The token never leaves this class except as its SHA-256 in the report.
 */
public final class VerbExecutor {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final GitHubAppClient app;
  private final GitHubInstallationCalls calls;

  public VerbExecutor(GitHubAppClient app, GitHubInstallationCalls calls) {
    this.app = app;
    this.calls = calls;
  }

  /** How far a call got. {@code jitSha256} is null when no token was minted. */
  public record Report(
      boolean completed,
      int failedStatus,
      String failedMessage,
      ArrayNode steps,
      String jitSha256) {
    public boolean nothingDone() {
      return steps.isEmpty() || steps.get(0).path("status").asInt() >= 300;
    }

    /**
     * The stable result code: {@code completed}, {@code github_rejected}, {@code partial_failure}.
     */
    public String reason() {
      return completed ? "completed" : nothingDone() ? "github_rejected" : "partial_failure";
    }
  }

  /** Mints the JIT token; GitHub failures surface as {@link GitHubException}. */
  public InstallationToken mint(Verb verb, VerbCall call) throws GitHubException {
    long installation = app.installationId(call.owner());
    if (verb.installationWide()) {
      return app.mintInstallationWide(installation, verb.permissions());
    }
    Scope scope =
        new Scope(
            call.owner(), List.of(call.repository().orElseThrow()), List.of(), verb.permissions());
    return app.mint(installation, scope);
  }

  /** Runs the plan with {@code token}; the caller revokes it. */
  public Report perform(List<PlannedCall> plan, InstallationToken token, String jitSha256) {
    ArrayNode steps = MAPPER.createArrayNode();
    for (PlannedCall c : plan) {
      ObjectNode step = steps.addObject();
      step.put("method", c.method()).put("path", c.path()).put("purpose", c.purpose());
      GitHubAnswer a;
      try {
        a =
            calls.call(
                token.token(), c.method(), c.path(), c.body() == null ? null : c.body().toString());
      } catch (GitHubException e) {
        step.put("status", e.status()).put("error", e.getMessage());
        return new Report(
            false, e.status(), e.githubMessage().orElse(e.getMessage()), steps, jitSha256);
      }
      step.put("status", a.status());
      JsonNode body = parse(a.body());
      if (body != null && body.has("id") && body.get("id").canConvertToLong()) {
        step.put("github_id", body.get("id").asLong());
      }
      if (body != null && body.has("full_name")) {
        step.put("full_name", body.get("full_name").asText());
      }
      if (a.status() >= 300) {
        String message = body != null ? body.path("message").asText(null) : null;
        step.put("error", message == null ? "GitHub answered " + a.status() : message);
        return new Report(false, a.status(), message, steps, jitSha256);
      }
    }
    return new Report(true, 0, null, steps, jitSha256);
  }

  /**
   * Runs the plan with the JIT token and then revokes it, whatever happened: the token never
   * outlives the verb. The report carries the token's SHA-256 for the audit record.
   */
  public Report performAndRevoke(List<PlannedCall> plan, InstallationToken token) {
    try {
      return perform(plan, token, TokenHashes.sha256Hex(token.token()));
    } finally {
      revoke(token);
    }
  }

  /** Revokes the JIT token; a failure is reported, the token dies within the hour anyway. */
  public boolean revoke(InstallationToken token) {
    try {
      app.revoke(token.token());
      return true;
    } catch (GitHubException e) {
      return false;
    }
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isEmpty()) {
      return null;
    }
    try {
      return MAPPER.readTree(body);
    } catch (java.io.IOException e) {
      return null;
    }
  }
}
