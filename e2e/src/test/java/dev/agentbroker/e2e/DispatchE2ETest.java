package dev.agentbroker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.testkit.demo.DemoStack;
import dev.agentbroker.testkit.github.GitHubSimulator;
import dev.agentbroker.testkit.github.MintRequest;
import dev.agentbroker.testkit.github.RecordedRequest;
import dev.agentbroker.testkit.github.SimulatorFixture;
import dev.agentbroker.testkit.github.TokenScope;
import dev.agentbroker.testkit.github.WorkflowInput;
import dev.agentbroker.testkit.github.WorkflowRun;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code agent dispatch} against the GitHub simulator's workflow_dispatch endpoint, with a token
 * the real broker minted ({@code actions: write} on the workflow's repository only, revoked when
 * done): the run is created with the inputs, {@code --wait} follows it to its conclusion, and
 * GitHub's refusals (no such workflow, unexpected inputs) are one clear line each.
 */
class DispatchE2ETest {
  static DemoStack chain;
  static GitHubSimulator sim;
  static Map<String, String> env;

  @BeforeAll
  static void start() throws Exception {
    chain = Chain.get();
    sim = chain.simulator();
    sim.addWorkflow(
        "acme",
        "svc-a",
        "ai-run-label.yml",
        List.of(
            new WorkflowInput("repo", true, null),
            new WorkflowInput("prompt", true, null),
            new WorkflowInput("tool", false, "claude")));
    sim.addWorkflow(
        "acme",
        "svc-b",
        "ai-run-label.yml",
        List.of(new WorkflowInput("repo", true, null), new WorkflowInput("prompt", true, null)));
    env = new java.util.LinkedHashMap<>(Chain.agentEnv());
    env.put("AGENT_GITHUB_API_URL", sim.baseUri().toString());
  }

  @Test
  void dispatchCreatesTheRunWithTheInputsAndRevokesItsToken() throws Exception {
    int active = sim.activeTokenCount();
    int runs = sim.workflowRuns("acme", "svc-a").size();
    Agent.Result r =
        Agent.run(
            env,
            "dispatch",
            "--repo",
            "acme/svc-a",
            "--prompt",
            "Fix the flaky test; don't touch main",
            "--tool",
            "shell");
    assertEquals(0, r.exit(), r.err());
    List<WorkflowRun> all = sim.workflowRuns("acme", "svc-a");
    assertEquals(runs + 1, all.size());
    WorkflowRun run = all.get(all.size() - 1);
    assertEquals(run.htmlUrl() + "\n", r.out(), "prints the run's URL");
    assertEquals(
        Map.of(
            "repo",
            "acme/svc-a",
            "prompt",
            "Fix the flaky test; don't touch main",
            "tool",
            "shell"),
        run.inputs());
    assertEquals("main", run.ref());
    assertEquals(active, sim.activeTokenCount(), "the actions:write token is revoked");
  }

  /**
   * Scope, not just revocation (threat model SBX-E6): the one token minted for a dispatch is, at
   * GitHub, {@code actions: write} and nothing else, on the workflow's repository and no other,
   * although the caller's grant also allows contents, pull_requests and issues on every svc-*.
   */
  @Test
  void theDispatchTokenHoldsActionsWriteOnTheOneRepositoryOnly() throws Exception {
    int mints = sim.mintRequests().size();
    int requests = sim.requests().size();
    Agent.Result r = Agent.run(env, "dispatch", "--repo", "acme/svc-a", "--prompt", "scope check");
    assertEquals(0, r.exit(), r.err());

    List<MintRequest> minted = sim.mintRequests().subList(mints, sim.mintRequests().size());
    assertEquals(1, minted.size(), "one mint for the dispatch: " + minted);
    assertEquals(201, minted.get(0).status(), minted.toString());
    assertFalse(minted.get(0).widening(), minted.toString());

    List<RecordedRequest> window = sim.requests().subList(requests, sim.requests().size());
    RecordedRequest dispatch =
        window.stream()
            .filter(
                q ->
                    q.method().equals("POST")
                        && q.path()
                            .equals(
                                "/repos/acme/svc-a/actions/workflows/ai-run-label.yml/dispatches"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no dispatch request: " + window));
    String token = installationToken(dispatch);
    // Every installation-token call of the run used that one token.
    assertEquals(
        Set.of(token),
        window.stream()
            .map(DispatchE2ETest::installationToken)
            .filter(Objects::nonNull)
            .collect(Collectors.toSet()));

    TokenScope scope =
        sim.tokenScope(token).orElseThrow(() -> new AssertionError("not minted here"));
    assertEquals(Map.of("actions", "write"), scope.permissions(), "nothing but actions:write");
    assertEquals(List.of("svc-a"), scope.repositories(), "exactly the workflow's repository");
    assertEquals("selected", scope.repositorySelection());
    assertEquals(SimulatorFixture.DEMO_ACME_INSTALLATION_ID, scope.installationId());
    assertFalse(sim.isTokenActive(token), "and revoked");
    assertFalse(r.out().contains(token) || r.err().contains(token), "never printed");
  }

  /**
   * The installation token of an {@code Authorization} header ({@code token X} or {@code Bearer
   * X}), or null for none or an App JWT.
   */
  private static String installationToken(RecordedRequest q) {
    String auth = q.header("authorization");
    if (auth == null) {
      return null;
    }
    String credential = auth.replaceFirst("^(?i)(token|bearer) ", "");
    return credential.startsWith("eyJ") ? null : credential;
  }

  @Test
  void waitFollowsTheRunToItsConclusion() throws Exception {
    for (String conclusion : List.of("success", "failure")) {
      Agent a =
          Agent.start(
              env,
              null,
              "dispatch",
              "--repo",
              "acme/svc-a",
              "--prompt",
              "task",
              "--wait",
              "--poll-interval",
              "1s");
      int before = sim.workflowRuns("acme", "svc-a").size();
      Processes.await(
          () -> sim.workflowRuns("acme", "svc-a").size() > before || !a.process.isAlive(),
          Duration.ofSeconds(30),
          "the dispatch");
      List<WorkflowRun> all = sim.workflowRuns("acme", "svc-a");
      long id = all.get(all.size() - 1).id();
      sim.setRunStatus(id, "in_progress", null);
      Thread.sleep(1500);
      sim.setRunStatus(id, "completed", conclusion);
      Agent.Result r = a.await(Duration.ofSeconds(30));
      assertTrue(r.out().endsWith("conclusion: " + conclusion + "\n"), r.out());
      assertEquals(conclusion.equals("success") ? 0 : 76, r.exit(), r.err());
      if (!conclusion.equals("success")) {
        assertTrue(
            r.errorLines().get(0).startsWith("agent: run_failed: run " + id + " concluded failure"),
            r.err());
      }
    }
  }

  @Test
  void gitHubsRefusalsAreOneLineEach() throws Exception {
    Agent.Result missing =
        Agent.run(
            env, "dispatch", "--repo", "acme/svc-a", "--prompt", "x", "--workflow", "nope.yml");
    assertEquals(74, missing.exit(), missing.err());
    assertTrue(
        missing
            .errorLines()
            .get(0)
            .startsWith(
                "agent: dispatch_rejected: GitHub refused to dispatch nope.yml on acme/svc-a@main: HTTP 404"),
        missing.err());
    Agent.Result inputs =
        Agent.run(env, "dispatch", "--repo", "acme/svc-b", "--prompt", "x", "--tool", "claude");
    assertEquals(74, inputs.exit(), inputs.err());
    assertTrue(
        inputs.errorLines().get(0).contains("HTTP 422 Unexpected inputs provided"), inputs.err());
    Agent.Result ref =
        Agent.run(
            env, "dispatch", "--repo", "acme/svc-a", "--prompt", "x", "--ref", "no-such-branch");
    assertEquals(74, ref.exit(), ref.err());
    assertTrue(ref.errorLines().get(0).contains("No ref found for: no-such-branch"), ref.err());
    Agent.Result denied =
        Agent.run(
            env,
            "dispatch",
            "--repo",
            "acme/svc-a",
            "--workflow-repo",
            "acme/release-tools",
            "--prompt",
            "x");
    assertEquals(68, denied.exit(), "the policy grants no actions:write there: " + denied.err());
  }
}
