package dev.agentbroker.tierb.verbs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * An allowlisted org-admin action. Sealed: the catalog is exactly the permitted classes, so a
 * destructive verb cannot be added by configuration or plugin, only by a reviewed code change.
 */
public sealed interface Verb
    permits CreateRepo, SetRepoMetadata, GrantTeamAccess, ApplyBranchProtection {

  /** The wire name, e.g. {@code create-repo}. */
  String name();

  String description();

  /** JSON Schema (draft 2020-12 subset) of the body, as {@code GET /verbs} shows it. */
  ObjectNode schema();

  /** Validates and normalizes a body; every problem is reported at once. */
  VerbCall parse(JsonNode body) throws VerbInputException;

  /** Exactly the GitHub permissions the JIT token needs. */
  Map<String, String> permissions();

  /**
   * Whether the JIT token must span the installation: only where GitHub offers no repository scope
   * (creating a repository). Such a token never leaves the broker. Repository-scoped by default.
   */
  default boolean installationWide() {
    return false;
  }

  /** Whether the verb creates content (counted against GitHub's content-creation limits). */
  default boolean createsContent() {
    return false;
  }

  /** The exact GitHub calls, in order. */
  List<PlannedCall> plan(VerbCall call);
}
