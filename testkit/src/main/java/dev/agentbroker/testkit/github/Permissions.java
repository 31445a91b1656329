package dev.agentbroker.testkit.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * GitHub App permission names and the levels each accepts, from the {@code app-permissions} schema
 * of the REST API description. Used to reject requests GitHub would reject: an unknown name, a
 * level the permission does not have (e.g. {@code workflows: read}), or a level above the
 * installation's grant.
 *
 * <p>Read from the one catalogue file the policy module ships ({@link #RESOURCE}, extracted from
 * GitHub's schema), parsed here on its own rather than through the policy's class: the simulator
 * models GitHub, so it must not inherit a mistake of the code under test, only its data.
 */
final class Permissions {
  /** Same file as {@code dev.agentbroker.policy.GitHubPermissions.RESOURCE}. */
  static final String RESOURCE = "/dev/agentbroker/policy/app-permissions.json";

  private Permissions() {}

  private static final Map<String, List<String>> LEVELS = load();

  private static Map<String, List<String>> load() {
    try (InputStream in = Permissions.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("permission catalogue " + RESOURCE + " is missing");
      }
      JsonNode permissions = new ObjectMapper().readTree(in).path("permissions");
      if (!permissions.isObject() || permissions.isEmpty()) {
        throw new IllegalStateException(RESOURCE + ": no 'permissions' object");
      }
      Map<String, List<String>> m = new TreeMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = permissions.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        List<String> levels = new ArrayList<>();
        for (JsonNode level : e.getValue()) {
          if (!level.isTextual() || rank(level.asText()) == Integer.MAX_VALUE) {
            throw new IllegalStateException(RESOURCE + ": bad level for " + e.getKey());
          }
          levels.add(level.asText());
        }
        if (levels.isEmpty()) {
          throw new IllegalStateException(RESOURCE + ": no levels for " + e.getKey());
        }
        m.put(e.getKey(), List.copyOf(levels));
      }
      return Map.copyOf(m);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  /** The whole catalogue: name to accepted levels (for the test that compares catalogues). */
  static Map<String, List<String>> catalogue() {
    return LEVELS;
  }

  /** Whether GitHub knows this permission and it accepts this level. */
  static boolean isValid(String name, String level) {
    List<String> allowed = LEVELS.get(name);
    return allowed != null && allowed.contains(level);
  }

  /** Whether {@code requested} is at most {@code granted} (read < write < admin). */
  static boolean within(String requested, String granted) {
    return granted != null && rank(requested) <= rank(granted);
  }

  static int rank(String level) {
    switch (level) {
      case "read":
        return 1;
      case "write":
        return 2;
      case "admin":
        return 3;
      default:
        return Integer.MAX_VALUE;
    }
  }
}
