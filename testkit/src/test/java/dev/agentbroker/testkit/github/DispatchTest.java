package dev.agentbroker.testkit.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every refusal of {@code POST .../actions/workflows/{id}/dispatches}, one named case each. */
class DispatchTest extends SimulatorHarness {
  static final String DISPATCHER =
      "{\"repositories\":[\"svc-a\"],\"permissions\":{\"actions\":\"write\"}}";
  static final String ACTIONS_READER =
      "{\"repositories\":[\"svc-a\"],\"permissions\":{\"actions\":\"read\"}}";
  static final String DISPATCH = "/repos/acme/svc-a/actions/workflows/agent-run.yml/dispatches";
  static final String OK_BODY = "{\"ref\":\"main\",\"inputs\":{\"issue\":\"42\"}}";
  static final String SHA = "0123456789abcdef0123456789abcdef01234567";

  @BeforeEach
  void declareWorkflow() {
    addAgentRun(sim);
  }

  static long addAgentRun(GitHubSimulator sim) {
    return sim.addWorkflow(
        "acme",
        "svc-a",
        "agent-run.yml",
        List.of(
            new WorkflowInput("issue", true, null),
            new WorkflowInput("mode", false, "plan"),
            new WorkflowInput("model", true, "default")));
  }

  enum Refusal {
    NO_TOKEN(t -> null, DISPATCH, OK_BODY, 401, "Requires authentication"),
    UNKNOWN_TOKEN(t -> "ghs_" + "0".repeat(36), DISPATCH, OK_BODY, 401, "Bad credentials"),
    SUSPENDED_INSTALLATION(
        t -> {
          String token = t.mintToken(ACME, DISPATCHER);
          t.sim.suspend(ACME);
          return token;
        },
        DISPATCH,
        OK_BODY,
        403,
        "This installation has been suspended"),
    TOKEN_FOR_ANOTHER_REPOSITORY(
        t ->
            t.mintToken(
                ACME, "{\"repositories\":[\"svc-b\"],\"permissions\":{\"actions\":\"write\"}}"),
        DISPATCH,
        OK_BODY,
        404,
        "Not Found"),
    TOKEN_OF_ANOTHER_ACCOUNT(t -> t.mintToken(OCTOCAT, null), DISPATCH, OK_BODY, 404, "Not Found"),
    UNKNOWN_REPOSITORY(
        t -> t.mintToken(ACME, null),
        "/repos/acme/nope/actions/workflows/agent-run.yml/dispatches",
        OK_BODY,
        404,
        "Not Found"),
    NOT_FOUND_BEFORE_FORBIDDEN(
        t ->
            t.mintToken(
                ACME, "{\"repositories\":[\"svc-b\"],\"permissions\":{\"actions\":\"read\"}}"),
        DISPATCH,
        OK_BODY,
        404,
        "Not Found"),
    ACTIONS_READ_ONLY(
        t -> t.mintToken(ACME, ACTIONS_READER),
        DISPATCH,
        OK_BODY,
        403,
        "Resource not accessible by integration"),
    NO_ACTIONS_PERMISSION(
        t ->
            t.mintToken(
                ACME, "{\"repositories\":[\"svc-a\"],\"permissions\":{\"contents\":\"write\"}}"),
        DISPATCH,
        OK_BODY,
        403,
        "Resource not accessible by integration"),
    UNKNOWN_WORKFLOW(
        t -> t.mintToken(ACME, DISPATCHER),
        "/repos/acme/svc-a/actions/workflows/other.yml/dispatches",
        OK_BODY,
        404,
        "Not Found"),
    WORKFLOW_OF_ANOTHER_REPOSITORY(
        t -> t.mintToken(ACME, null),
        "/repos/acme/svc-b/actions/workflows/agent-run.yml/dispatches",
        OK_BODY,
        404,
        "Not Found"),
    UNKNOWN_WORKFLOW_ID(
        t -> t.mintToken(ACME, DISPATCHER),
        "/repos/acme/svc-a/actions/workflows/1/dispatches",
        OK_BODY,
        404,
        "Not Found"),
    MALFORMED_JSON(
        t -> t.mintToken(ACME, DISPATCHER), DISPATCH, "{\"ref\":", 400, "Problems parsing JSON"),
    MISSING_REF(
        t -> t.mintToken(ACME, DISPATCHER),
        DISPATCH,
        "{\"inputs\":{\"issue\":\"42\"}}",
        422,
        "Invalid request.\n\n\"ref\" wasn't supplied."),
    REF_NOT_A_STRING(
        t -> t.mintToken(ACME, DISPATCHER),
        DISPATCH,
        "{\"ref\":7,\"inputs\":{\"issue\":\"42\"}}",
        422,
        "Invalid request.\n\nFor 'properties/ref', 7 is not a string."),
    UNKNOWN_BRANCH(
        t -> t.mintToken(ACME, DISPATCHER),
        DISPATCH,
        "{\"ref\":\"develop\",\"inputs\":{\"issue\":\"42\"}}",
        422,
        "No ref found for: develop"),
    COMMIT_SHA(
        t -> t.mintToken(ACME, DISPATCHER),
        DISPATCH,
        "{\"ref\":\"" + SHA + "\",\"inputs\":{\"issue\":\"42\"}}",
        422,
        "No ref found for: " + SHA),
    UNDECLARED_INPUT(
        t -> t.mintToken(ACME, DISPATCHER),
        DISPATCH,
        "{\"ref\":\"main\",\"inputs\":{\"issue\":\"42\",\"x\":\"1\"}}",
        422,
        "Unexpected inputs provided: [\"x\"]"),
    UNDECLARED_INPUTS(
        t -> t.mintToken(ACME, DISPATCHER),
        DISPATCH,
        "{\"ref\":\"main\",\"inputs\":{\"x\":\"1\",\"y\":\"2\"}}",
        422,
        "Unexpected inputs provided: [\"x\", \"y\"]"),
    REQUIRED_INPUT_MISSING(
        t -> t.mintToken(ACME, DISPATCHER),
        DISPATCH,
        "{\"ref\":\"main\",\"inputs\":{\"mode\":\"act\"}}",
        422,
        "Required input 'issue' not provided"),
    NO_INPUTS_AT_ALL(
        t -> t.mintToken(ACME, DISPATCHER),
        DISPATCH,
        "{\"ref\":\"main\"}",
        422,
        "Required input 'issue' not provided"),
    NON_STRING_INPUT(
        t -> t.mintToken(ACME, DISPATCHER),
        DISPATCH,
        "{\"ref\":\"main\",\"inputs\":{\"issue\":42}}",
        422,
        "Invalid request.\n\nFor 'properties/issue', 42 is not a string."),
    INPUTS_NOT_AN_OBJECT(
        t -> t.mintToken(ACME, DISPATCHER),
        DISPATCH,
        "{\"ref\":\"main\",\"inputs\":[\"42\"]}",
        422,
        "Invalid request.\n\nFor 'properties/inputs', [\"42\"] is not an object."),
    RETURN_RUN_DETAILS_NOT_BOOLEAN(
        t -> t.mintToken(ACME, DISPATCHER),
        DISPATCH,
        "{\"ref\":\"main\",\"inputs\":{\"issue\":\"42\"},\"return_run_details\":\"yes\"}",
        422,
        "Invalid request.\n\nFor 'properties/return_run_details', \"yes\" is not a boolean.");

    final Function<DispatchTest, String> token;
    final String path;
    final String body;
    final int status;
    final String message;

    Refusal(
        Function<DispatchTest, String> token, String path, String body, int status, String msg) {
      this.token = token;
      this.path = path;
      this.body = body;
      this.status = status;
      this.message = msg;
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Refusal.class)
  void refusesLikeGitHub(Refusal c) {
    String token = c.token.apply(this);
    HttpResponse<String> r = send("POST", c.path, token == null ? null : "token " + token, c.body);
    assertEquals(c.status, r.statusCode(), r.body());
    assertEquals(c.message, message(r));
    assertEquals(Integer.toString(c.status), json(r).get("status").asText());
    // GitHub points authentication failures at its general REST docs, the rest at the endpoint.
    assertEquals(
        c.status == 401
            ? "https://docs.github.com/rest"
            : "https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event",
        json(r).get("documentation_url").asText());
    assertTrue(sim.workflowRuns("acme", "svc-a").isEmpty(), "a refused dispatch starts nothing");
  }
}
