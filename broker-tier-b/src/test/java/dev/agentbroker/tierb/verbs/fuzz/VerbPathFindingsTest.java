package dev.agentbroker.tierb.verbs.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentbroker.tierb.verbs.PlannedCall;
import dev.agentbroker.tierb.verbs.Verb;
import dev.agentbroker.tierb.verbs.VerbCatalog;
import dev.agentbroker.tierb.verbs.VerbInputException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reproducers for what fuzzing the {@code /verbs} bodies found (docs/security.md): repository and
 * branch names went into GitHub API paths unchecked for dot segments, so {@code ".."} as a
 * repository or a branch like {@code "../../other/branches/main"} planned a call on a different
 * path than the one the policy and the audit record name. GitHub allows neither name.
 */
class VerbPathFindingsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest(name = "branch \"{0}\"")
  @ValueSource(
      strings = {
        "..",
        "../../other/branches/main",
        "a/../b",
        "a/..",
        "./main",
        ".hidden",
        "a/.b",
        "/main",
        "main/",
        "a//b"
      })
  void branchWithDotOrEmptySegmentsIsRefused(String branch) {
    ObjectNode body = JSON.createObjectNode().put("owner", "acme").put("repo", "svc-a");
    body.put("branch", branch);
    refused("apply-branch-protection", body);
  }

  @ParameterizedTest(name = "{0} with repository \"{1}\"")
  @CsvSource({
    "apply-branch-protection, ..",
    "apply-branch-protection, .",
    "grant-team-access, ..",
    "set-repo-metadata, ..",
    "create-repo, ..",
    "create-repo, ."
  })
  void dotRepositoryNamesAreRefused(String verb, String repo) {
    ObjectNode body = JSON.createObjectNode().put("owner", "acme");
    body.put(verb.equals("create-repo") ? "name" : "repo", repo);
    if (verb.equals("grant-team-access")) {
      body.put("team", "platform");
    }
    if (verb.equals("set-repo-metadata")) {
      body.put("description", "d");
    }
    refused(verb, body);
  }

  @ParameterizedTest(name = "branch \"{0}\"")
  @ValueSource(strings = {"main", "release/1.x", "feature/a.b", "v1.2.3", "a-b_c"})
  void ordinaryBranchesStillPlanTheirProtectionPath(String branch) throws Exception {
    ObjectNode body = JSON.createObjectNode().put("owner", "acme").put("repo", "svc-a");
    body.put("branch", branch);
    Verb v = VerbCatalog.find("apply-branch-protection").orElseThrow();
    List<PlannedCall> plan = v.plan(v.parse(body));
    assertEquals("/repos/acme/svc-a/branches/" + branch + "/protection", plan.get(0).path());
  }

  private static void refused(String verb, ObjectNode body) {
    Verb v = VerbCatalog.find(verb).orElseThrow();
    VerbInputException e = assertThrows(VerbInputException.class, () -> v.parse(body));
    assertEquals(1, e.violations().size(), () -> e.violations().toString());
  }
}
