package dev.agentbroker.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PolicyLintTest {
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  int run(String... args) {
    return PolicyLint.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  static String fixture(String name) throws Exception {
    return PolicyFixturesTest.dir(name.substring(0, name.indexOf('/')))
        .resolve(name.substring(name.indexOf('/') + 1))
        .toString();
  }

  @Test
  void cleanFilesExitZero() throws Exception {
    assertEquals(0, run("lint", fixture("valid/example.yaml"), fixture("valid/minimal.yaml")));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("example.yaml: OK"));
  }

  @Test
  void problemsExitOneAndArePrinted() throws Exception {
    assertEquals(
        1, run("lint", fixture("valid/example.yaml"), fixture("broken/duplicate-keys.yaml")));
    String text = out.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("duplicate-keys.yaml:7:5 identities[0].subject: duplicate key"), text);
  }

  @Test
  void missingFileIsAProblem() {
    assertEquals(1, run("lint", Path.of("does/not/exist.yaml").toString()));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("cannot read policy file"));
  }

  @Test
  void usageErrorsExitTwo() {
    assertEquals(2, run());
    assertEquals(2, run("lint"));
    assertEquals(2, run("check", "x.yaml"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage"));
  }

  @Test
  void actionsIdentitiesTrustedByNameOrWithoutAPinnedWorkflowAreWarnedAbout() throws Exception {
    assertEquals(0, run("lint", fixture("valid/actions-identities.yaml")), "warnings do not fail");
    java.util.List<String> warnings =
        out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("warning:")).toList();
    String all = String.join("\n", warnings);
    assertEquals(3, warnings.size(), all);
    assertTrue(
        all.contains("identities[by-name-only]: warning: matches the repository by name only"),
        all);
    assertTrue(
        all.contains("identities[by-name-only]: warning: does not pin job_workflow_ref"), all);
    assertTrue(
        all.contains(
            "identities[immutable-subject-unpinned]: warning: does not pin job_workflow_ref"),
        all);
    assertTrue(!all.contains("agent-run-recommended") && !all.contains("not-actions"), all);
  }
}
