package dev.agentbroker.testkit.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentbroker.policy.GitHubPermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The simulator and the policy read one permission catalogue (the policy module's resource,
 * extracted from GitHub's {@code app-permissions} schema): both must equal the file, and the names
 * on which their hand-kept lists had drifted must now get the same answer from both.
 */
class PermissionCatalogueTest {

  @Test
  void bothCataloguesEqualTheResource() throws Exception {
    assertEquals(GitHubPermissions.RESOURCE, Permissions.RESOURCE);
    JsonNode permissions;
    try (var in = Permissions.class.getResourceAsStream(Permissions.RESOURCE)) {
      permissions = new ObjectMapper().readTree(in).get("permissions");
    }
    Map<String, List<String>> resource = new TreeMap<>();
    permissions
        .fields()
        .forEachRemaining(
            e -> {
              List<String> levels = new ArrayList<>();
              e.getValue().forEach(l -> levels.add(l.asText()));
              resource.put(e.getKey(), levels);
            });
    assertEquals(55, resource.size());
    assertEquals(resource, new TreeMap<>(Permissions.catalogue()));
    Map<String, List<String>> policy = new TreeMap<>();
    GitHubPermissions.names().forEach(n -> policy.put(n, GitHubPermissions.levels(n)));
    assertEquals(resource, policy);
  }

  @ParameterizedTest(name = "{0}: {1} -> {2}")
  @CsvSource({
    // Missing from the simulator's old list: the broker allowed them, the simulator answered 422.
    "code_quality, read, true",
    "custom_properties_for_organizations, write, true",
    "organization_copilot_agent_settings, read, true",
    "enterprise_custom_properties_for_organizations, admin, true",
    // Only in the simulator's old list: not a permission in GitHub's schema.
    "team_discussions, read, false",
    // Levels that differed.
    "organization_events, write, false",
    "metadata, write, true",
    "contents, admin, false",
  })
  void driftedNamesGetOneAnswer(String name, String level, boolean valid) {
    assertEquals(valid, Permissions.isValid(name, level), "simulator");
    assertEquals(valid, GitHubPermissions.isValid(name, level), "policy");
  }

  @Test
  void everyLevelOfEveryNameAgrees() {
    for (String name : Permissions.catalogue().keySet()) {
      for (String level : List.of("read", "write", "admin", "none")) {
        assertEquals(
            GitHubPermissions.isValid(name, level),
            Permissions.isValid(name, level),
            name + ":" + level);
      }
    }
    assertTrue(Permissions.catalogue().keySet().containsAll(GitHubPermissions.names()));
  }
}
