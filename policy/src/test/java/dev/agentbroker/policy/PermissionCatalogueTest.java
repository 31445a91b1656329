package dev.agentbroker.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yaml.snakeyaml.Yaml;

/**
 * The permission catalogue comes from GitHub's {@code app-permissions} schema (the resource file),
 * not from a hand-kept list: the names where the policy and the simulator had drifted apart are
 * pinned here with the levels the schema gives them, and a broken resource fails loudly.
 */
class PermissionCatalogueTest {

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
    // The five names on which the hand-kept lists disagreed.
    "code_quality, read write",
    "custom_properties_for_organizations, read write",
    "organization_copilot_agent_settings, read write",
    "enterprise_custom_properties_for_organizations, read write admin",
    "team_discussions, ''",
    // And the two whose levels differed.
    "metadata, read write",
    "organization_events, read",
  })
  void levelsAreTheSchemas(String name, String levels) {
    List<String> expected = levels.isEmpty() ? List.of() : List.of(levels.split(" "));
    assertEquals(expected, GitHubPermissions.levels(name));
    assertEquals(!expected.isEmpty(), GitHubPermissions.isKnown(name));
  }

  @Test
  void theResourceIsTheCatalogue() throws Exception {
    Map<?, ?> doc;
    try (var in = GitHubPermissions.class.getResourceAsStream(GitHubPermissions.RESOURCE)) {
      doc = new Yaml().load(in);
    }
    Map<?, ?> permissions = (Map<?, ?>) doc.get("permissions");
    assertEquals(permissions.keySet(), GitHubPermissions.names());
    permissions.forEach((k, v) -> assertEquals(v, GitHubPermissions.levels((String) k), "" + k));
    Map<?, ?> source = (Map<?, ?>) doc.get("source");
    assertEquals("components.schemas.app-permissions", source.get("schema"));
    assertTrue(String.valueOf(source.get("package_file_sha256")).matches("[0-9a-f]{64}"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "no permissions object | {source: {}}",
        "empty permissions     | {permissions: {}}",
        "permissions a list    | {permissions: [contents]}",
        "upper-case name       | {permissions: {Contents: [read]}}",
        "no levels             | {permissions: {contents: []}}",
        "levels not a list     | {permissions: {contents: read}}",
        "unknown level         | {permissions: {contents: [read, none]}}",
        "repeated level        | {permissions: {contents: [read, read]}}",
      })
  void aBrokenResourceIsRefused(String name, String json) {
    Object doc = new Yaml().load(json);
    assertThrows(IllegalStateException.class, () -> GitHubPermissions.parse(doc), name);
  }

  @Test
  void levelsAreOrderedLowestFirst() {
    Object doc = new Yaml().load("{permissions: {projects: [admin, read, write]}}");
    assertEquals(
        Map.of("projects", List.of("read", "write", "admin")), GitHubPermissions.parse(doc));
  }

  @Test
  void aNameMissingFromTheSchemaIsRefusedByTheCompiler() {
    String yaml =
        "version: 1\n"
            + "identities:\n"
            + "  - id: agent\n"
            + "    issuer: https://issuer.example\n"
            + "    subject: agent-1\n"
            + "    profile: ci\n"
            + "    grants:\n"
            + "      - owner: acme\n"
            + "        repositories: [svc]\n"
            + "        permissions: {contents: read, team_discussions: read}\n";
    PolicyException e =
        assertThrows(PolicyException.class, () -> PolicyCompiler.compile(yaml, "t.yaml"));
    assertEquals(1, e.problems().size(), e.problems().toString());
    PolicyProblem p = e.problems().get(0);
    assertEquals(10, p.line());
    assertEquals("unknown GitHub permission 'team_discussions'", p.message());
    assertFalse(GitHubPermissions.problem("team_discussions", "read").isEmpty());
  }
}
