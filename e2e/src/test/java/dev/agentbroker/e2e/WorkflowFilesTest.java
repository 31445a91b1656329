package dev.agentbroker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The dispatch workflows (.github/workflows) keep the rules and the interface docs describe. */
class WorkflowFilesTest {
  static final Path DIR = Chain.ROOT.resolve(".github/workflows");

  @SuppressWarnings("unchecked")
  static Map<String, Object> load(Path p) throws Exception {
    return (Map<String, Object>) new Yaml().load(Files.readString(p));
  }

  @Test
  void everyWorkflowKeepsTheRules() throws Exception {
    try (var files = Files.list(DIR)) {
      List<Path> all = files.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
      assertEquals(2, all.size(), all.toString());
      for (Path p : all) {
        assertEquals(List.of(), WorkflowRules.violations(p.getFileName().toString(), load(p)));
      }
    }
  }

  @Test
  void theRulesCatchTheClassicMistakes() throws Exception {
    Path bad = Path.of(getClass().getResource("/workflows/unsafe.yml").toURI());
    String all = String.join("\n", WorkflowRules.violations("unsafe.yml", load(bad)));
    for (String expected :
        List.of(
            "unsafe.yml.permissions: 'write-all'",
            "jobs.run.permissions: contents: write",
            "steps[0]: pull_request_target with a checkout",
            "steps[1]: a ${{ }} expression inside run:")) {
      assertTrue(all.contains(expected), expected + " in:\n" + all);
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void theReusableWorkflowHasTheDocumentedInterface() throws Exception {
    Map<String, Object> wf = load(DIR.resolve("agent-run.yml"));
    Map<String, Object> on = (Map<String, Object>) wf.get(Boolean.TRUE);
    Map<String, Object> inputs =
        (Map<String, Object>) ((Map<String, Object>) on.get("workflow_call")).get("inputs");
    assertEquals(
        List.of("repo", "prompt", "tool", "profile", "timeout-minutes"),
        List.copyOf(inputs.keySet()));
    assertEquals(Map.of("id-token", "write", "contents", "read"), wf.get("permissions"));
    String text = Files.readString(DIR.resolve("agent-run.yml"));
    assertTrue(
        text.contains("agent run --profile \"$AGENT_RUN_PROFILE\" --repo \"$AGENT_TARGET_REPO\""));
    assertTrue(
        text.contains("audience=agent-broker"),
        "the OIDC token is asked for the broker's audience");
    assertTrue(text.contains("runs-on: [self-hosted, linux, agent-sandbox]"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void theCallerReactsToTheLabelAndToDispatchOnePerIssue() throws Exception {
    Map<String, Object> wf = load(DIR.resolve("ai-run-label.yml"));
    Map<String, Object> on = (Map<String, Object>) wf.get(Boolean.TRUE);
    assertTrue(
        on.keySet().containsAll(List.of("issues", "pull_request", "workflow_dispatch")),
        on.toString());
    assertEquals(Map.of(), wf.get("permissions"), "nothing at the top; each job names its own");
    String group = String.valueOf(((Map<String, Object>) wf.get("concurrency")).get("group"));
    assertTrue(group.contains("github.repository") && group.contains("issue.number"), group);
    Map<String, Object> agent =
        (Map<String, Object>) ((Map<String, Object>) wf.get("jobs")).get("agent");
    assertEquals("./.github/workflows/agent-run.yml", agent.get("uses"));
  }
}
