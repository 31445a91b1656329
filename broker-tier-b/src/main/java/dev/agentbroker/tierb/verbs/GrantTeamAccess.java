package dev.agentbroker.tierb.verbs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code grant-team-access}: give a team access to a repository, at most {@code push}: maintain and
 * admin are organization-administration power and stay with humans.
 */
public final class GrantTeamAccess implements Verb {
  static final Set<String> FIELDS = Set.of("owner", "repo", "team", "permission");
  static final List<String> LEVELS = List.of("pull", "triage", "push");

  @Override
  public String name() {
    return "grant-team-access";
  }

  @Override
  public String description() {
    return "Give a team pull, triage or push access to a repository (never maintain or admin)";
  }

  @Override
  public ObjectNode schema() {
    ObjectNode s = Schemas.object(List.of("owner", "repo", "team"));
    Schemas.string(s, "owner", Fields.LOGIN.pattern(), 39);
    Schemas.string(s, "repo", Fields.REPO.pattern(), 100);
    Schemas.string(s, "team", Fields.SLUG.pattern(), 100);
    Schemas.enumeration(s, "permission", LEVELS, "push");
    return s;
  }

  @Override
  public VerbCall parse(JsonNode body) throws VerbInputException {
    Fields f = new Fields(body, FIELDS);
    String owner = f.string("owner", true, Fields.LOGIN, 39);
    String repo = f.string("repo", true, Fields.REPO, 100);
    String team = f.string("team", true, Fields.SLUG, 100);
    String permission = f.oneOf("permission", Set.copyOf(LEVELS), "push");
    boolean dryRun = f.dryRun();
    if (!f.ok()) {
      throw new VerbInputException(f.violations);
    }
    ObjectNode p = Schemas.MAPPER.createObjectNode();
    p.put("owner", owner).put("repo", repo).put("team", team).put("permission", permission);
    return new VerbCall(
        name(),
        owner,
        Optional.of(repo),
        Map.of("owner", owner, "repo", repo, "team", team, "permission", permission),
        p,
        dryRun);
  }

  @Override
  public Map<String, String> permissions() {
    return Map.of("administration", "write", "members", "read");
  }

  @Override
  public List<PlannedCall> plan(VerbCall call) {
    ObjectNode p = call.params();
    String owner = p.get("owner").asText();
    ObjectNode body = Schemas.MAPPER.createObjectNode();
    body.put("permission", p.get("permission").asText());
    return List.of(
        new PlannedCall(
            "PUT",
            "/orgs/"
                + owner
                + "/teams/"
                + p.get("team").asText()
                + "/repos/"
                + owner
                + "/"
                + p.get("repo").asText(),
            body,
            "grant the team access"));
  }
}
