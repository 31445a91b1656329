package dev.agentbroker.testkit.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Successful dispatches, the runs they create, and reading those runs back. */
class WorkflowRunTest extends SimulatorHarness {
  private long workflowId;

  @BeforeEach
  void declareWorkflow() {
    workflowId = DispatchTest.addAgentRun(sim);
  }

  private HttpResponse<String> dispatch(String token, String workflow, String body) {
    return send(
        "POST",
        "/repos/acme/svc-a/actions/workflows/" + workflow + "/dispatches",
        "token " + token,
        body);
  }

  @Test
  void dispatchAnswers204AndQueuesARun() {
    String token = mintToken(ACME, DispatchTest.DISPATCHER);
    HttpResponse<String> r = dispatch(token, "agent-run.yml", DispatchTest.OK_BODY);
    assertEquals(204, r.statusCode(), r.body());
    assertEquals("", r.body());
    List<WorkflowRun> runs = sim.workflowRuns("acme", "svc-a");
    assertEquals(1, runs.size());
    WorkflowRun run = runs.get(0);
    assertTrue(run.id() > Integer.MAX_VALUE, "run ids exceed an int, like GitHub's");
    assertEquals("agent-run.yml", run.workflowFile());
    assertEquals("workflow_dispatch", run.event());
    assertEquals("main", run.ref());
    assertEquals(Map.of("issue", "42"), run.inputs());
    assertEquals("queued", run.status());
    assertNull(run.conclusion());
    assertEquals(T0, run.createdAt());
    assertEquals("https://github.com/acme/svc-a/actions/runs/" + run.id(), run.htmlUrl());
    assertEquals(DispatchTest.OK_BODY, sim.requests().get(1).body());
  }

  @Test
  void returnRunDetailsAnswers200WithTheRunAndNumericIdsWork() {
    String token = mintToken(ACME, DispatchTest.DISPATCHER);
    dispatch(token, "agent-run.yml", DispatchTest.OK_BODY);
    HttpResponse<String> r =
        dispatch(
            token,
            Long.toString(workflowId),
            "{\"ref\":\"refs/heads/main\",\"inputs\":{\"issue\":\"7\",\"mode\":\"act\"},"
                + "\"return_run_details\":true}");
    assertEquals(200, r.statusCode(), r.body());
    List<WorkflowRun> runs = sim.workflowRuns("ACME", "Svc-A");
    assertEquals(2, runs.size());
    long id = runs.get(1).id();
    assertEquals(runs.get(0).id() + 1, id);
    JsonNode b = json(r);
    assertEquals(3, b.size());
    assertEquals(id, b.get("workflow_run_id").asLong());
    assertEquals(sim.baseUri() + "/repos/acme/svc-a/actions/runs/" + id, b.get("run_url").asText());
    assertEquals("https://github.com/acme/svc-a/actions/runs/" + id, b.get("html_url").asText());
    assertEquals(Map.of("issue", "7", "mode", "act"), runs.get(1).inputs());
  }

  @Test
  void returnRunDetailsFalseKeeps204() {
    String token = mintToken(ACME, DispatchTest.DISPATCHER);
    String body = "{\"ref\":\"main\",\"inputs\":{\"issue\":\"1\"},\"return_run_details\":false}";
    assertEquals(204, dispatch(token, "agent-run.yml", body).statusCode());
  }

  @Test
  void theDemoInstallationsFullTokenCanDispatch() {
    String token = mintToken(ACME, null);
    assertEquals(204, dispatch(token, "agent-run.yml", DispatchTest.OK_BODY).statusCode());
  }

  @Test
  void getRunShowsTheRunAndItsStatusChanges() {
    String token = mintToken(ACME, DispatchTest.DISPATCHER);
    dispatch(token, "agent-run.yml", DispatchTest.OK_BODY);
    long id = sim.workflowRuns("acme", "svc-a").get(0).id();
    String reader = mintToken(ACME, DispatchTest.ACTIONS_READER);

    JsonNode run = json(get("/repos/acme/svc-a/actions/runs/" + id, "Bearer " + reader));
    assertEquals(id, run.get("id").asLong());
    assertEquals(".github/workflows/agent-run.yml", run.get("name").asText());
    assertEquals("workflow_dispatch", run.get("event").asText());
    assertEquals("queued", run.get("status").asText());
    assertTrue(run.get("conclusion").isNull());
    assertEquals("main", run.get("head_branch").asText());
    assertEquals(workflowId, run.get("workflow_id").asLong());
    assertEquals(1, run.get("run_attempt").asInt());
    assertEquals(1, run.get("run_number").asInt());
    assertEquals(sim.baseUri() + "/repos/acme/svc-a/actions/runs/" + id, run.get("url").asText());
    assertEquals("https://github.com/acme/svc-a/actions/runs/" + id, run.get("html_url").asText());
    assertEquals("2025-06-01T12:00:00Z", run.get("created_at").asText());

    clock.advance(Duration.ofMinutes(3));
    sim.setRunStatus(id, "completed", "success");
    JsonNode done = json(get("/repos/acme/svc-a/actions/runs/" + id, "token " + token));
    assertEquals("completed", done.get("status").asText());
    assertEquals("success", done.get("conclusion").asText());
    assertEquals("2025-06-01T12:03:00Z", done.get("updated_at").asText());
    assertEquals("2025-06-01T12:00:00Z", done.get("created_at").asText());
    assertEquals("completed", sim.workflowRuns("acme", "svc-a").get(0).status());
  }

  @Test
  void getRunRefusals() {
    String token = mintToken(ACME, DispatchTest.DISPATCHER);
    dispatch(token, "agent-run.yml", DispatchTest.OK_BODY);
    long id = sim.workflowRuns("acme", "svc-a").get(0).id();
    String noActions =
        mintToken(ACME, "{\"repositories\":[\"svc-a\"],\"permissions\":{\"contents\":\"read\"}}");
    HttpResponse<String> forbidden =
        get("/repos/acme/svc-a/actions/runs/" + id, "token " + noActions);
    assertEquals(403, forbidden.statusCode());
    assertEquals("Resource not accessible by integration", message(forbidden));
    assertEquals(
        "https://docs.github.com/rest/actions/workflow-runs#get-a-workflow-run",
        json(forbidden).get("documentation_url").asText());
    String all = mintToken(ACME, null);
    assertEquals(
        404, get("/repos/acme/svc-a/actions/runs/" + (id + 1), "token " + all).statusCode());
    assertEquals(404, get("/repos/acme/svc-b/actions/runs/" + id, "token " + all).statusCode());
    assertEquals(404, get("/repos/acme/svc-a/actions/runs/abc", "token " + all).statusCode());
    assertEquals(401, get("/repos/acme/svc-a/actions/runs/" + id, null).statusCode());
  }

  @Test
  void faultsAndRecordingApplyToDispatches() {
    String token = mintToken(ACME, DispatchTest.DISPATCHER);
    sim.faults().failNextMatching("/dispatches", 1, 502);
    assertEquals(502, dispatch(token, "agent-run.yml", DispatchTest.OK_BODY).statusCode());
    assertTrue(sim.workflowRuns("acme", "svc-a").isEmpty());
    assertEquals(204, dispatch(token, "agent-run.yml", DispatchTest.OK_BODY).statusCode());
    assertEquals(3, sim.requests().size());
  }

  @Test
  void testControlsRejectMistakes() {
    assertThrows(
        IllegalArgumentException.class, () -> sim.addWorkflow("acme", "nope", "x.yml", List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> sim.addWorkflow("acme", "svc-a", "agent-run.yml", List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> sim.addWorkflow("acme", "svc-a", ".github/workflows/x.yml", List.of()));
    String token = mintToken(ACME, DispatchTest.DISPATCHER);
    dispatch(token, "agent-run.yml", DispatchTest.OK_BODY);
    long id = sim.workflowRuns("acme", "svc-a").get(0).id();
    assertThrows(IllegalArgumentException.class, () -> sim.setRunStatus(id, "done", null));
    assertThrows(IllegalArgumentException.class, () -> sim.setRunStatus(id, "completed", null));
    assertThrows(
        IllegalArgumentException.class, () -> sim.setRunStatus(id, "in_progress", "success"));
    assertThrows(IllegalArgumentException.class, () -> sim.setRunStatus(id, "completed", "ok"));
    assertThrows(IllegalArgumentException.class, () -> sim.setRunStatus(id + 9, "queued", null));
    sim.setRunStatus(id, "in_progress", null);
    assertEquals("in_progress", sim.workflowRuns("acme", "svc-a").get(0).status());
  }
}
