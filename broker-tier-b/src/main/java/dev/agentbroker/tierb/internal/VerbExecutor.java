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
import dev.agentbroker.tierb.verbs.StateMerge;
import dev.agentbroker.tierb.verbs.Verb;
import dev.agentbroker.tierb.verbs.VerbCall;
import java.util.List;
import java.util.Optional;

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

  /**
   * How far a call got. {@code jitSha256} is null when no token was minted. {@code outcome} is set
   * when a read-then-write step decided not to write: {@code unchanged} (completed, the current
   * state was already at least as strong) or {@code merge_refused} (not completed).
   */
  public record Report(
      boolean completed,
      int failedStatus,
      String failedMessage,
      ArrayNode steps,
      String jitSha256,
      String outcome) {
    public static final String UNCHANGED = "unchanged";
    public static final String MERGE_REFUSED = "merge_refused";

    /** True when the call failed before any write took effect (reads change nothing). */
    public boolean nothingDone() {
      if (completed) {
        return false;
      }
      for (JsonNode s : steps) {
        if (!"GET".equals(s.path("method").asText()) && s.path("status").asInt(999) < 300) {
          return false;
        }
      }
      return true;
    }

    /**
     * The stable result code: {@code completed}, {@code unchanged}, {@code merge_refused}, {@code
     * github_rejected}, {@code partial_failure}.
     */
    public String reason() {
      if (outcome != null) {
        return outcome;
      }
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
    for (PlannedCall planned : plan) {
      PlannedCall c = planned;
      if (planned.merge() != null) {
        Object read = read(planned, token, steps, jitSha256);
        if (read instanceof Report r) {
          return r;
        }
        if (read instanceof StateMerge.Unchanged u) {
          ((ObjectNode) steps.get(steps.size() - 1))
              .put("merge", Report.UNCHANGED)
              .put("detail", u.detail());
          continue;
        }
        JsonNode body = ((StateMerge.Write) read).body();
        c = new PlannedCall(planned.method(), planned.path(), body, planned.purpose());
      }
      Report failed = call(c, token, steps, jitSha256);
      if (failed != null) {
        return failed;
      }
    }
    boolean anyWrite = false;
    for (JsonNode s : steps) {
      anyWrite |= !"GET".equals(s.path("method").asText());
    }
    return new Report(true, 0, null, steps, jitSha256, anyWrite ? null : Report.UNCHANGED);
  }

  /**
   * The read of a read-then-write step: GETs the path and asks the merge. Returns a failed {@link
   * Report}, {@link StateMerge.Unchanged} or {@link StateMerge.Write}.
   */
  private Object read(PlannedCall c, InstallationToken token, ArrayNode steps, String jitSha256) {
    ObjectNode step = steps.addObject();
    step.put("method", "GET").put("path", c.path()).put("purpose", "read the current state");
    GitHubAnswer a;
    try {
      a = calls.call(token.token(), "GET", c.path(), null);
    } catch (GitHubException e) {
      step.put("status", e.status()).put("error", e.getMessage());
      return new Report(
          false, e.status(), e.githubMessage().orElse(e.getMessage()), steps, jitSha256, null);
    }
    step.put("status", a.status());
    JsonNode body = parse(a.body());
    String message = body != null ? body.path("message").asText(null) : null;
    Optional<JsonNode> current;
    if (c.merge().absent(a.status(), message)) {
      current = Optional.empty();
    } else if (a.status() >= 300 || body == null) {
      step.put("error", message == null ? "GitHub answered " + a.status() : message);
      return new Report(false, a.status(), message, steps, jitSha256, null);
    } else {
      current = Optional.of(body);
    }
    StateMerge.Result r = c.merge().merge(current);
    if (r instanceof StateMerge.Refuse refuse) {
      step.put("merge", Report.MERGE_REFUSED).put("detail", refuse.detail());
      return new Report(false, 0, refuse.detail(), steps, jitSha256, Report.MERGE_REFUSED);
    }
    return r;
  }

  /** Makes one call and records it; returns the failed report, or null on success. */
  private Report call(PlannedCall c, InstallationToken token, ArrayNode steps, String jitSha256) {
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
          false, e.status(), e.githubMessage().orElse(e.getMessage()), steps, jitSha256, null);
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
      return new Report(false, a.status(), message, steps, jitSha256, null);
    }
    return null;
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
