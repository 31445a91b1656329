package dev.agentbroker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.testkit.demo.DemoStack;
import dev.agentbroker.testkit.github.MintRequest;
import dev.agentbroker.testkit.oidc.ActionsOidcIssuer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The workflows' own steps, run locally the way a runner runs them ({@code bash --noprofile --norc
 * -eo pipefail}, the runner's variables, {@code ${{ }}} expressions of the step's context filled
 * in): the label on an issue is removed and the run linked (ai-run-label.yml, job start), and the
 * reusable workflow's job fetches its OIDC token from the runner's token endpoint, passes it to the
 * broker through AGENT_CALLER_TOKEN_COMMAND exactly as written, and {@code agent run} gets a token
 * for exactly the job's repository, used by git through the egress proxy.
 */
class WorkflowSimulationE2ETest {
  static final Path WORKFLOWS = Chain.ROOT.resolve(".github/workflows");
  static final Pattern EXPRESSION = Pattern.compile("\\$\\{\\{\\s*(.*?)\\s*}}");
  static DemoStack chain;
  @TempDir Path runnerTemp;

  @BeforeAll
  static void start() throws Exception {
    chain = Chain.get();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> job(String file, String job) throws Exception {
    Map<String, Object> wf = new Yaml().load(Files.readString(WORKFLOWS.resolve(file)));
    return (Map<String, Object>) ((Map<String, Object>) wf.get("jobs")).get(job);
  }

  /** Fills {@code ${{ expr }}} from the simulated context; an expression it does not know fails. */
  static String evaluate(String text, Map<String, String> context) {
    Matcher m = EXPRESSION.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String v = context.get(m.group(1));
      assertTrue(v != null, "the simulation does not know ${{ " + m.group(1) + " }}");
      m.appendReplacement(sb, Matcher.quoteReplacement(v));
    }
    return m.appendTail(sb).toString();
  }

  record Step(int exit, String output) {}

  @SuppressWarnings("unchecked")
  Step runSteps(Map<String, Object> job, Map<String, String> runnerEnv, Map<String, String> context)
      throws Exception {
    Map<String, String> jobEnv = new LinkedHashMap<>();
    ((Map<String, Object>) job.getOrDefault("env", Map.of()))
        .forEach((k, v) -> jobEnv.put(k, evaluate(String.valueOf(v), context)));
    StringBuilder all = new StringBuilder();
    for (Object o : (List<Object>) job.get("steps")) {
      Map<String, Object> step = (Map<String, Object>) o;
      Map<String, String> env = new LinkedHashMap<>(runnerEnv);
      env.putAll(jobEnv);
      ((Map<String, Object>) step.getOrDefault("env", Map.of()))
          .forEach((k, v) -> env.put(k, evaluate(String.valueOf(v), context)));
      Path script =
          Files.writeString(runnerTemp.resolve("step.sh"), String.valueOf(step.get("run")));
      ProcessBuilder pb =
          new ProcessBuilder("bash", "--noprofile", "--norc", "-eo", "pipefail", script.toString())
              .redirectErrorStream(true);
      pb.environment().clear();
      pb.environment().putAll(env);
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(120, TimeUnit.SECONDS));
      all.append(out);
      if (p.exitValue() != 0) {
        return new Step(p.exitValue(), all.toString());
      }
    }
    return new Step(0, all.toString());
  }

  Map<String, String> runner() throws Exception {
    Path bin = Files.createDirectories(runnerTemp.resolve("bin"));
    Path agent = bin.resolve("agent");
    Files.writeString(
        agent,
        "#!/bin/sh\nexec java -XX:TieredStopAtLevel=1 -cp '"
            + Chain.agentClasspath()
            + "' dev.agentbroker.sandbox.AgentMain \"$@\"\n");
    agent.toFile().setExecutable(true);
    // The runner host's settings (its .env): everything but a caller credential of its own.
    Map<String, String> env = new LinkedHashMap<>(Chain.agentEnv());
    env.remove("AGENT_CALLER_TOKEN_FILE");
    env.put("PATH", bin + ":" + env.get("PATH"));
    env.put("HOME", runnerTemp.toString());
    env.put("RUNNER_TEMP", runnerTemp.toString());
    env.put("GITHUB_ACTIONS", "true");
    env.put("GITHUB_API_URL", chain.simulator().baseUri().toString());
    env.put("GITHUB_SERVER_URL", "https://github.com");
    env.put("GITHUB_REPOSITORY", "acme/svc-a");
    return env;
  }

  @Test
  void theLabelIsRemovedAndTheRunLinked() throws Exception {
    chain.simulator().addIssue("acme", "svc-a", 7, List.of("ai:run", "bug"));
    Agent.Result t =
        Agent.run(
            Chain.agentEnv(),
            "token",
            "-q",
            "--repo",
            "acme/svc-a",
            "--permissions",
            "issues=write");
    assertEquals(0, t.exit(), t.err());
    Map<String, String> context =
        Map.of(
            "github.token", t.out().trim(),
            "github.event.issue.number || github.event.pull_request.number", "7",
            "github.server_url", "https://github.com",
            "github.repository", "acme/svc-a",
            "github.run_id", "4711");
    Step s = runSteps(job("ai-run-label.yml", "start"), runner(), context);
    assertEquals(0, s.exit(), s.output());
    assertEquals(
        List.of("bug"),
        chain.simulator().issueLabels("acme", "svc-a", 7),
        "ai:run removed, so it does not fire again");
    assertEquals(
        List.of("Agent run started: https://github.com/acme/svc-a/actions/runs/4711"),
        chain.simulator().issueComments("acme", "svc-a", 7));
  }

  @Test
  void theReusableWorkflowRunsTheAgentWithATokenForExactlyItsRepository() throws Exception {
    ActionsOidcIssuer.Run run =
        ActionsOidcIssuer.Run.builder("acme", Chain.ACME_ID, "svc-a", Chain.SVC_A_ID)
            .jobWorkflowRef(Chain.REUSABLE_WORKFLOW)
            .eventName("issues")
            .build();
    Map<String, String> env = runner();
    env.putAll(Chain.actions().requestFor(run).environment());
    String repo = chain.git().repoUrl("acme/svc-a");
    Map<String, String> inputs =
        Map.of(
            "inputs.repo", "acme/svc-a",
            "inputs.prompt",
                "git ls-remote " + repo + " | grep -q refs/heads/main && echo SIMULATED-RUN-OK",
            "inputs.tool", "shell",
            "inputs.profile", "ci",
            "inputs.timeout-minutes", "10");
    int mints = chain.simulator().mintRequests().size();
    Step s = runSteps(job("agent-run.yml", "agent"), env, inputs);
    assertEquals(0, s.exit(), s.output());
    assertTrue(s.output().contains("SIMULATED-RUN-OK"), s.output());
    List<MintRequest> minted =
        chain.simulator().mintRequests().subList(mints, chain.simulator().mintRequests().size());
    assertEquals(1, minted.size(), "one token for the run");
    assertEquals(List.of("svc-a"), minted.get(0).repositories());
    assertEquals(
        Map.of("contents", "write", "pull_requests", "write"),
        minted.get(0).permissions(),
        "the ci profile's");
    assertTrue(s.output().contains("outcome=revoked"), s.output());
  }
}
