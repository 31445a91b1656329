package dev.agentbroker.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fixture files: every file under valid/ must compile; every file under broken/ must fail with at
 * least the problems listed in its .expected sidecar ({@code line:substring} per line).
 */
class PolicyFixturesTest {

  static Path dir(String name) throws URISyntaxException {
    return Path.of(PolicyFixturesTest.class.getResource("/policies/" + name).toURI());
  }

  static Stream<Arguments> files(String name) throws IOException, URISyntaxException {
    try (Stream<Path> s = Files.list(dir(name))) {
      List<Path> yaml =
          s.filter(p -> p.toString().endsWith(".yaml")).sorted().collect(Collectors.toList());
      return yaml.stream().map(p -> Arguments.of(Named.of(p.getFileName().toString(), p)));
    }
  }

  static Stream<Arguments> validFiles() throws Exception {
    return files("valid");
  }

  static Stream<Arguments> brokenFiles() throws Exception {
    return files("broken");
  }

  @ParameterizedTest
  @MethodSource("validFiles")
  void validFixturesCompile(Path file) throws Exception {
    CompiledPolicy p = PolicyCompiler.load(file);
    assertEquals(file.toString(), p.sourceName());
    assertEquals(64, p.sourceSha256().length());
  }

  @ParameterizedTest
  @MethodSource("brokenFiles")
  void brokenFixturesReportEveryExpectedProblem(Path file) throws Exception {
    Path expectedFile = Path.of(file.toString().replaceAll("\\.yaml$", ".expected"));
    assertTrue(Files.exists(expectedFile), "missing sidecar " + expectedFile);
    List<String> expected =
        Files.readAllLines(expectedFile).stream()
            .filter(l -> !l.isBlank() && !l.startsWith("#"))
            .collect(Collectors.toList());
    PolicyException e = assertThrows(PolicyException.class, () -> PolicyCompiler.load(file));
    List<PolicyProblem> problems = e.problems();
    for (String line : expected) {
      int colon = line.indexOf(':');
      int lineNo = Integer.parseInt(line.substring(0, colon));
      String substring = line.substring(colon + 1);
      boolean found =
          problems.stream()
              .anyMatch(
                  p ->
                      p.line() == lineNo
                          && p.message().contains(substring)
                          && p.source().equals(file.toString()));
      if (!found) {
        fail(
            "expected problem at line "
                + lineNo
                + " containing '"
                + substring
                + "'\ngot:\n"
                + e.getMessage());
      }
    }
    // Everything is reported in one go, and every problem line appears in the message.
    assertEquals(problems.size(), e.getMessage().split("\n").length);
    assertTrue(problems.size() >= expected.size());
  }

  @Test
  void manyProblemsAreReportedAtOnceWithPathsAndColumns() throws Exception {
    PolicyException e =
        assertThrows(
            PolicyException.class,
            () -> PolicyCompiler.load(dir("broken").resolve("many-problems.yaml")));
    assertTrue(e.problems().size() >= 28, e.getMessage());
    PolicyProblem admin =
        e.problems().stream()
            .filter(p -> p.message().contains("invalid level 'admin'"))
            .findFirst()
            .orElseThrow();
    assertEquals("identities[0].grants[0].permissions.contents", admin.path());
    assertEquals(11, admin.line());
    assertEquals(33, admin.column());
    assertTrue(
        admin
            .toString()
            .endsWith(":11:33 identities[0].grants[0].permissions.contents: " + admin.message()),
        admin.toString());
    // Sorted by position so the output reads top to bottom.
    for (int i = 1; i < e.problems().size(); i++) {
      assertFalse(e.problems().get(i).line() < e.problems().get(i - 1).line());
    }
  }

  @Test
  void exampleFixtureCompilesIntoRecords() throws Exception {
    CompiledPolicy p = PolicyCompiler.load(dir("valid").resolve("example.yaml"));
    assertEquals(2, p.identities().size());
    IdentityRule launcher = p.identities().get(0);
    assertEquals(Profile.AUTONOMOUS, launcher.profile());
    GrantRule g = launcher.grants().get(0);
    assertEquals(List.of("svc-*", "docs"), g.repositories());
    assertEquals(List.of(123456L), g.repositoryIds());
    assertEquals(1, g.maxRepositoriesPerToken().getAsInt());
    VerbRule verb = p.verbs().get("create-repo");
    assertEquals("3/hour", verb.rate().toString());
    assertTrue(verb.allows("ci-release"));
    assertFalse(verb.allows("agent-launcher-mac"));
    assertTrue(
        verb.paramProblems(
                java.util.Map.of("owner", "acme", "name", "my-repo", "visibility", "private"))
            .isEmpty());
    // Rejected: the name and the unlisted colour; missing: owner and visibility.
    assertEquals(2, verb.rejectedParams(java.util.Map.of("name", "X", "colour", "red")).size());
    assertEquals(4, verb.paramProblems(java.util.Map.of("name", "X", "colour", "red")).size());
    assertEquals(3, p.egress().groups().size());
    assertTrue(p.egress().allows(java.net.InetAddress.getByName("10.20.0.7"), "api.github.com"));
    assertFalse(p.egress().allows(java.net.InetAddress.getByName("10.20.0.7"), "evil.com"));
    assertFalse(p.egress().allows(java.net.InetAddress.getByName("10.21.0.7"), "api.github.com"));
    assertEquals(1, p.settings(Profile.AUTONOMOUS).maxWriteRepositoriesPerToken());
    assertEquals(50, p.settings(Profile.INTERACTIVE).maxWriteRepositoriesPerToken());
  }
}
