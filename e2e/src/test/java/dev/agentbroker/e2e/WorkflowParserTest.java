package dev.agentbroker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.sandbox.internal.host.Host;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The workflows parsed by GitHub's own parser and schema ({@code @actions/workflow-parser} 0.3.61
 * from the npm registry, pinned by package-lock.json, run by Node.js from Debian): what GitHub
 * would refuse to run fails here, and a deliberately invalid file proves the check can fail.
 */
class WorkflowParserTest {
  static Path dir;

  @BeforeAll
  static void install() throws Exception {
    for (String p : List.of("node", "npm")) {
      assertTrue(
          Host.which(p).isPresent(), p + " is not installed: ./run-tests installs nodejs and npm");
    }
    Path src = Chain.ROOT.resolve("e2e/src/test/workflow-check");
    dir = Chain.ROOT.resolve("e2e/target/workflow-check");
    Files.createDirectories(dir);
    for (String f :
        List.of(
            "package.json", "package-lock.json", "check.mjs", "json-hooks.mjs", "register.mjs")) {
      Files.copy(src.resolve(f), dir.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    if (!Files.isDirectory(dir.resolve("node_modules/@actions/workflow-parser"))) {
      Result r = run(List.of("npm", "ci", "--no-audit", "--no-fund"));
      assertEquals(0, r.status(), "npm ci: " + r.output());
    }
  }

  record Result(int status, String output) {}

  static Result run(List<String> argv) throws Exception {
    Path log = Files.createTempFile("workflow-check-", ".log");
    Process p =
        new ProcessBuilder(argv)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(new File("/dev/null"))
            .start();
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), String.join(" ", argv) + " timed out");
    String out = Files.readString(log, StandardCharsets.UTF_8);
    Files.delete(log);
    return new Result(p.exitValue(), out);
  }

  static Result check(Path... files) throws Exception {
    List<String> argv =
        new ArrayList<>(
            List.of("node", "--no-warnings", "--import", "./register.mjs", "check.mjs"));
    for (Path f : files) {
      argv.add(f.toString());
    }
    return run(argv);
  }

  @Test
  void gitHubsParserAcceptsTheWorkflows() throws Exception {
    Path wf = Chain.ROOT.resolve(".github/workflows");
    Result r = check(wf.resolve("agent-run.yml"), wf.resolve("ai-run-label.yml"));
    assertEquals(0, r.status(), r.output());
    assertEquals("agent-run.yml: OK\nai-run-label.yml: OK\n", r.output());
  }

  @Test
  void anInvalidWorkflowIsRefusedWithGitHubsMessages() throws Exception {
    Path bad = Path.of(getClass().getResource("/workflows/invalid.yml").toURI());
    Result r = check(bad);
    assertEquals(1, r.status(), r.output());
    assertTrue(r.output().contains("Unexpected value 'admin'"), r.output());
    assertTrue(r.output().contains("Unexpected value 'stepz'"), r.output());
  }
}
