package dev.agentbroker.tierb.verbs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code apply-branch-protection}: the baseline protection on one branch of a repository. */
public final class ApplyBranchProtection implements Verb {
  static final Set<String> FIELDS = Set.of("owner", "repo", "branch");

  @Override
  public String name() {
    return "apply-branch-protection";
  }

  @Override
  public String description() {
    return "Apply the baseline branch protection to a branch (default main)";
  }

  @Override
  public ObjectNode schema() {
    ObjectNode s = Schemas.object(List.of("owner", "repo"));
    Schemas.string(s, "owner", Fields.LOGIN.pattern(), 39);
    Schemas.string(s, "repo", Fields.REPO.pattern(), 100);
    Schemas.string(s, "branch", Fields.BRANCH.pattern(), 255);
    return s;
  }

  @Override
  public VerbCall parse(JsonNode body) throws VerbInputException {
    Fields f = new Fields(body, FIELDS);
    String owner = f.string("owner", true, Fields.LOGIN, 39);
    String repo = f.string("repo", true, Fields.REPO, 100);
    String branch = f.string("branch", false, Fields.BRANCH, 255);
    boolean dryRun = f.dryRun();
    if (!f.ok()) {
      throw new VerbInputException(f.violations);
    }
    String b = branch == null ? "main" : branch;
    ObjectNode p = Schemas.MAPPER.createObjectNode();
    p.put("owner", owner).put("repo", repo).put("branch", b);
    return VerbCall.onRepository(name(), owner, repo, p, dryRun);
  }

  @Override
  public Map<String, String> permissions() {
    return Map.of("administration", "write");
  }

  @Override
  public List<PlannedCall> plan(VerbCall call) {
    ObjectNode p = call.params();
    return List.of(
        new PlannedCall(
            "PUT",
            call.repositoryPath() + "/branches/" + p.get("branch").asText() + "/protection",
            BaselineProtection.body(),
            "apply the baseline branch protection"));
  }
}
