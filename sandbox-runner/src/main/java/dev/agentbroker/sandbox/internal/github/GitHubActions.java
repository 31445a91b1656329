package dev.agentbroker.sandbox.internal.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentbroker.sandbox.AgentException;
import dev.agentbroker.sandbox.ExitCode;
import dev.agentbroker.sandbox.internal.http.JsonHttp;
import dev.agentbroker.sandbox.internal.settings.RepoRef;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The two GitHub Actions calls {@code agent dispatch} makes, with a broker-minted installation
 * token ({@code actions: write} on the workflow's repository only): create a workflow dispatch
 * event ({@code return_run_details}, GitHub 2026-02-19: the answer names the run) and read a run.
 * GitHub's refusals keep their message (capped, control characters removed); the token is never
 * part of an error.
 */
public final class GitHubActions {
  private final URI api;
  private final String token;

  public GitHubActions(URI api, String token) {
    this.api = api;
    this.token = token;
  }

  /** A dispatched run, when GitHub names it. */
  public record Dispatched(Optional<Long> runId, Optional<String> htmlUrl) {}

  /** A run's state. */
  public record Run(long id, String status, String conclusion, String htmlUrl) {}

  /** {@code POST /repos/{owner}/{repo}/actions/workflows/{workflow}/dispatches}. */
  public Dispatched dispatch(
      RepoRef repo, String workflow, String ref, Map<String, String> inputs) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("ref", ref);
    ObjectNode in = body.putObject("inputs");
    inputs.forEach(in::put);
    body.put("return_run_details", true);
    String path =
        "/repos/"
            + repo.owner()
            + "/"
            + repo.name()
            + "/actions/workflows/"
            + URLEncoder.encode(workflow, StandardCharsets.UTF_8)
            + "/dispatches";
    Answer a = call("POST", path, body.toString());
    if (a.status() == 204) {
      return new Dispatched(Optional.empty(), Optional.empty()); // a GitHub without run details
    }
    if (a.status() != 200) {
      throw refused(a, "dispatch " + workflow + " on " + repo + "@" + ref);
    }
    JsonNode n = parse(a);
    long id = n.path("workflow_run_id").asLong(0);
    String url = n.path("html_url").asText("");
    return new Dispatched(
        id > 0 ? Optional.of(id) : Optional.empty(),
        url.isEmpty() ? Optional.empty() : Optional.of(url));
  }

  /** {@code GET /repos/{owner}/{repo}/actions/runs/{id}}. */
  public Run run(RepoRef repo, long id) {
    Answer a =
        call("GET", "/repos/" + repo.owner() + "/" + repo.name() + "/actions/runs/" + id, null);
    if (a.status() != 200) {
      throw refused(a, "read run " + id + " of " + repo);
    }
    JsonNode n = parse(a);
    return new Run(
        id,
        n.path("status").asText(""),
        n.path("conclusion").asText(""),
        n.path("html_url").asText(""));
  }

  private record Answer(int status, String body) {}

  private Answer call(String method, String path, String body) {
    Map<String, String> headers =
        Map.of(
            "Accept", "application/vnd.github+json",
            "X-GitHub-Api-Version", "2022-11-28",
            "Authorization", "Bearer " + token);
    JsonHttp.Response r;
    try {
      r =
          JsonHttp.exchange(
              URI.create(api + path),
              method,
              headers,
              body,
              Duration.ofSeconds(10),
              Duration.ofSeconds(30));
    } catch (JsonHttp.Unreachable e) {
      throw new AgentException(
          ExitCode.GITHUB_UNAVAILABLE, "cannot reach GitHub at " + api + ": " + e.getMessage());
    }
    if (r.status() >= 500) {
      throw new AgentException(
          ExitCode.GITHUB_UNAVAILABLE, "GitHub answered HTTP " + r.status() + " at " + api);
    }
    return new Answer(r.status(), r.body());
  }

  private static JsonNode parse(Answer a) {
    return JsonHttp.object(a.body())
        .orElseThrow(
            () ->
                new AgentException(
                    ExitCode.DISPATCH_REJECTED,
                    "GitHub's answer is not JSON (HTTP " + a.status() + ")"));
  }

  private static AgentException refused(Answer a, String what) {
    // no JSON: the status alone
    String message = JsonHttp.object(a.body()).map(n -> n.path("message").asText("")).orElse("");
    String clean = JsonHttp.printable(message).strip();
    String hint =
        switch (a.status()) {
          case 404 -> " (no such workflow or ref in the repository, or the token cannot see it)";
          case 403 -> " (the token lacks actions: write on the repository)";
          default -> "";
        };
    return new AgentException(
        ExitCode.DISPATCH_REJECTED,
        "GitHub refused to "
            + what
            + ": HTTP "
            + a.status()
            + (clean.isEmpty() ? "" : " " + clean)
            + hint);
  }
}
