package dev.agentbroker.tierb.verbs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentbroker.request.Violation;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code apply-branch-protection}: the baseline protection on one branch of a repository. */
public final class ApplyBranchProtection implements Verb {
  static final Set<String> FIELDS = Set.of("owner", "repo", "branch");
  static final String DEFAULT_BRANCH = "main";

  @Override
  public String name() {
    return "apply-branch-protection";
  }

  @Override
  public String description() {
    return "Raise a branch's protection to at least the baseline (default main); never weakens it";
  }

  @Override
  public ObjectNode schema() {
    ObjectNode s = Schemas.object(List.of("owner", "repo"));
    Schemas.string(s, "owner", Fields.LOGIN.pattern(), 39);
    Schemas.string(s, "repo", Fields.REPO.pattern(), 100);
    Schemas.string(s, "branch", Fields.BRANCH.pattern(), BranchNames.MAX_LENGTH);
    return s;
  }

  @Override
  public VerbCall parse(JsonNode body) throws VerbInputException {
    Fields f = new Fields(body, FIELDS);
    String owner = f.string("owner", true, Fields.LOGIN, 39);
    String repo = f.string("repo", true, Fields.REPO, 100);
    String branch = f.string("branch", false, Fields.BRANCH, BranchNames.MAX_LENGTH);
    if (branch != null) {
      // The schema's character class alone admits "..", "a//b" or ".hidden": git's rules do not.
      BranchNames.problem(branch).ifPresent(p -> f.violations.add(new Violation("/branch", p)));
    }
    boolean dryRun = f.dryRun();
    if (!f.ok()) {
      throw new VerbInputException(f.violations);
    }
    String b = branch == null ? DEFAULT_BRANCH : branch;
    ObjectNode p = Schemas.MAPPER.createObjectNode();
    p.put("owner", owner).put("repo", repo).put("branch", b);
    // The branch is a policy parameter: a rule can pin it (branch: [main]).
    return new VerbCall(
        name(),
        owner,
        Optional.of(repo),
        Map.of("owner", owner, "repo", repo, "branch", b),
        p,
        dryRun);
  }

  @Override
  public Map<String, String> permissions() {
    return Map.of("administration", "write");
  }

  /**
   * One PUT whose body is the baseline merged into the current protection (read first with GET):
   * GitHub's PUT replaces the whole setting, so sending the baseline alone would weaken a stronger
   * one (ADR 0012).
   */
  @Override
  public List<PlannedCall> plan(VerbCall call) {
    ObjectNode p = call.params();
    ObjectNode baseline = BaselineProtection.body();
    return List.of(
        new PlannedCall(
            "PUT",
            call.repositoryPath()
                + "/branches/"
                + BranchNames.encode(p.get("branch").asText())
                + "/protection",
            baseline,
            "merge the baseline into the current protection (only ever strengthens)",
            new ProtectionMerge(baseline)));
  }
}
