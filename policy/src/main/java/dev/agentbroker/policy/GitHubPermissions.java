package dev.agentbroker.policy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * GitHub App permission vocabulary (REST API version 2022-11-28), loaded from {@link #RESOURCE}:
 * the names and levels of the {@code app-permissions} schema of GitHub's REST API description,
 * extracted by {@code policy/tools/app-permissions.mjs}. The testkit's GitHub simulator loads the
 * same file, so the broker and the simulator it is tested against cannot drift apart.
 *
 * <p>Kept as a closed list on purpose: a typo in a policy ({@code pull_request} instead of {@code
 * pull_requests}) must fail the policy load rather than silently grant nothing, and a token request
 * naming a permission GitHub does not know must be denied before any call to GitHub. A resource
 * that is missing or malformed fails class initialisation: nothing is allowed without it.
 */
public final class GitHubPermissions {

  /** Class-path location of the catalogue (JSON: {@code permissions: {name: [levels]}}). */
  public static final String RESOURCE = "/dev/agentbroker/policy/app-permissions.json";

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");
  private static final Map<String, List<String>> LEVELS = load();

  private GitHubPermissions() {}

  private static Map<String, List<String>> load() {
    try (InputStream in = GitHubPermissions.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("permission catalogue " + RESOURCE + " is missing");
      }
      return parse(new Yaml(new SafeConstructor(new LoaderOptions())).load(in));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  /** Validates the catalogue's shape; any surprise is an error, never a skipped entry. */
  static Map<String, List<String>> parse(Object document) {
    if (!(document instanceof Map<?, ?> root)
        || !(root.get("permissions") instanceof Map<?, ?> permissions)
        || permissions.isEmpty()) {
      throw new IllegalStateException(RESOURCE + ": no 'permissions' object");
    }
    Map<String, List<String>> m = new TreeMap<>();
    for (Map.Entry<?, ?> e : permissions.entrySet()) {
      if (!(e.getKey() instanceof String name) || !NAME.matcher(name).matches()) {
        throw new IllegalStateException(RESOURCE + ": bad permission name '" + e.getKey() + "'");
      }
      if (!(e.getValue() instanceof List<?> raw) || raw.isEmpty()) {
        throw new IllegalStateException(RESOURCE + ": '" + name + "' has no levels");
      }
      List<String> levels = new ArrayList<>();
      for (Object level : raw) {
        if (!(level instanceof String l) || rank(l) == 0 || levels.contains(l)) {
          throw new IllegalStateException(
              RESOURCE + ": '" + name + "' has a bad level '" + level + "'");
        }
        levels.add(l);
      }
      levels.sort(Comparator.comparingInt(GitHubPermissions::rank));
      m.put(name, List.copyOf(levels));
    }
    return Map.copyOf(m);
  }

  /** True when GitHub knows a permission with this exact (case-sensitive) name. */
  public static boolean isKnown(String name) {
    return name != null && LEVELS.containsKey(name);
  }

  /** Levels GitHub accepts for {@code name}, lowest first; empty list for unknown names. */
  public static List<String> levels(String name) {
    return name == null ? List.of() : LEVELS.getOrDefault(name, List.of());
  }

  /** True when {@code level} is one GitHub accepts for permission {@code name}. */
  public static boolean isValid(String name, String level) {
    return level != null && levels(name).contains(level);
  }

  /**
   * Rank of a level: read=1, write=2, admin=3; 0 for anything else so unknown levels never compare
   * as covered.
   */
  public static int rank(String level) {
    if (level == null) {
      return 0;
    }
    switch (level) {
      case "read":
        return 1;
      case "write":
        return 2;
      case "admin":
        return 3;
      default:
        return 0;
    }
  }

  /** True when the level grants more than read access (used for the write-token limit). */
  public static boolean isWriteLevel(String level) {
    return rank(level) >= 2;
  }

  /** All known permission names, sorted. */
  public static Set<String> names() {
    return new TreeSet<>(LEVELS.keySet());
  }

  /** Describes why {@code name: level} is not valid, or empty when it is. */
  public static Optional<String> problem(String name, String level) {
    if (!isKnown(name)) {
      return Optional.of("unknown GitHub permission '" + name + "'");
    }
    if (!isValid(name, level)) {
      return Optional.of(
          "invalid level '"
              + level
              + "' for permission '"
              + name
              + "' (allowed: "
              + String.join(", ", levels(name))
              + ")");
    }
    return Optional.empty();
  }
}
