package dev.agentbroker.testkit.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * GitHub Actions endpoints an installation token calls: creating a workflow dispatch event and
 * reading the run it created.
 *
 * <p>Dispatch checks, in order: token (401/403, see {@link InstallationAuth}), repository reach
 * (404), {@code actions: write} (403), workflow known by file name or id (404), JSON (400), field
 * types and {@code ref} present (422), ref is a known branch (422 "No ref found for: REF"; GitHub
 * resolves branch and tag names only, never commit SHAs), no undeclared input (422), every required
 * input without a default present (422).
 */
final class ActionsEndpoints {
  private static final String DOCS_DISPATCH =
      "https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event";
  private static final String DOCS_RUN =
      "https://docs.github.com/rest/actions/workflow-runs#get-a-workflow-run";

  /** Every simulated repository has exactly one branch, {@code main}. */
  private static final Set<String> KNOWN_REFS = Set.of("main", "refs/heads/main");

  private final SimulatorState state;
  private final ActionsState actions;
  private final InstallationAuth auth;
  private final GitHubJson json;

  ActionsEndpoints(SimulatorState state, ActionsState actions, GitHubJson json) {
    this.state = state;
    this.actions = actions;
    this.auth = new InstallationAuth(state);
    this.json = json;
  }

  /** Handles the request if it is an Actions endpoint; returns null otherwise. */
  ApiResponse handle(ApiRequest req) {
    if (req.matches("POST", "repos", "*", "*", "actions", "workflows", "*", "dispatches")) {
      req.documentationUrl = DOCS_DISPATCH;
      return dispatch(req);
    }
    if (req.matches("GET", "repos", "*", "*", "actions", "runs", "*")) {
      req.documentationUrl = DOCS_RUN;
      IssuedToken t = auth.authenticate(req);
      InstallationAuth.Target target = auth.reach(t, req.segment(1), req.segment(2));
      InstallationAuth.require(t, "actions", "read");
      ActionsState.StoredRun run = actions.run(RequestBodies.number(req.segment(5)));
      String repoKey = AdminState.key(target.owner(), target.name());
      if (run == null || !run.workflow().repoKey().equals(repoKey)) {
        throw ApiException.notFound();
      }
      return ApiResponse.json(200, GitHubJson.bytes(runJson(target, run)));
    }
    return null;
  }

  private ApiResponse dispatch(ApiRequest req) {
    IssuedToken t = auth.authenticate(req);
    InstallationAuth.Target target = auth.reach(t, req.segment(1), req.segment(2));
    InstallationAuth.require(t, "actions", "write");
    ActionsState.Workflow w = actions.workflow(target.owner(), target.name(), req.segment(5));
    if (w == null) {
      throw ApiException.notFound();
    }
    JsonNode body = RequestBodies.object(req);
    JsonNode ref = body.get("ref");
    if (ref == null) {
      throw new ApiException(422, Messages.notSupplied("ref"));
    }
    if (!ref.isTextual()) {
      throw new ApiException(422, Messages.notA("ref", ref, "string"));
    }
    Map<String, String> inputs = inputs(body.get("inputs"));
    JsonNode details = body.get("return_run_details");
    if (details != null && !details.isBoolean()) {
      throw new ApiException(422, Messages.notA("return_run_details", details, "boolean"));
    }
    if (!KNOWN_REFS.contains(ref.asText())) {
      throw new ApiException(422, Messages.noRefFound(ref.asText()));
    }
    checkInputs(w, inputs);

    String html = "https://github.com/" + target.owner() + "/" + target.name() + "/actions/runs/";
    ActionsState.StoredRun run = actions.createRun(w, ref.asText(), inputs, state.now(), html);
    if (details == null || !details.asBoolean()) {
      return ApiResponse.noContent();
    }
    ObjectNode out = GitHubJson.MAPPER.createObjectNode();
    out.put("workflow_run_id", run.run().id());
    out.put("run_url", runUrl(target, run.run().id()));
    out.put("html_url", run.run().htmlUrl());
    return ApiResponse.json(200, GitHubJson.bytes(out));
  }

  /** The {@code inputs} object, values strings only (the run sees every input as a string). */
  private static Map<String, String> inputs(JsonNode node) {
    Map<String, String> out = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (!node.isObject()) {
      throw new ApiException(422, Messages.notA("inputs", node, "object"));
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (!e.getValue().isTextual()) {
        throw new ApiException(422, Messages.notA(e.getKey(), e.getValue(), "string"));
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  private static void checkInputs(ActionsState.Workflow w, Map<String, String> inputs) {
    List<String> unexpected = new ArrayList<>();
    for (String name : inputs.keySet()) {
      if (w.inputs().stream().noneMatch(i -> i.name().equals(name))) {
        unexpected.add(name);
      }
    }
    if (!unexpected.isEmpty()) {
      throw new ApiException(422, Messages.unexpectedInputs(unexpected));
    }
    for (WorkflowInput i : w.inputs()) {
      if (i.required() && i.defaultValue() == null && !inputs.containsKey(i.name())) {
        throw new ApiException(422, Messages.requiredInputNotProvided(i.name()));
      }
    }
  }

  private String runUrl(InstallationAuth.Target target, long id) {
    return json.apiUrl("/repos/" + target.owner() + "/" + target.name() + "/actions/runs/" + id);
  }

  private ObjectNode runJson(InstallationAuth.Target target, ActionsState.StoredRun s) {
    WorkflowRun r = s.run();
    ObjectNode n = GitHubJson.MAPPER.createObjectNode();
    n.put("id", r.id());
    n.put("name", s.workflow().path());
    n.put("display_title", s.workflow().path());
    n.put("path", s.workflow().path());
    n.put("run_number", s.runNumber());
    n.put("run_attempt", 1);
    n.put("event", r.event());
    n.put("status", r.status());
    n.put("conclusion", r.conclusion());
    n.put("workflow_id", s.workflow().id());
    n.put("head_branch", r.ref().startsWith("refs/heads/") ? r.ref().substring(11) : r.ref());
    n.put("url", runUrl(target, r.id()));
    n.put("html_url", r.htmlUrl());
    n.put(
        "workflow_url",
        json.apiUrl(
            "/repos/"
                + target.owner()
                + "/"
                + target.name()
                + "/actions/workflows/"
                + s.workflow().id()));
    n.put("created_at", DateTimeFormatter.ISO_INSTANT.format(r.createdAt()));
    n.put("updated_at", DateTimeFormatter.ISO_INSTANT.format(s.updatedAt()));
    n.put("run_started_at", DateTimeFormatter.ISO_INSTANT.format(r.createdAt()));
    return n;
  }
}
