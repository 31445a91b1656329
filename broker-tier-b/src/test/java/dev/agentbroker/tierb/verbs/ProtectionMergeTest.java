package dev.agentbroker.tierb.verbs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The only-strengthen merge (ADR 0012): named cases on GitHub's GET shape. */
class ProtectionMergeTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final ProtectionMerge MERGE = new ProtectionMerge(BaselineProtection.body());

  /** GET answer equal to the baseline: what GitHub returns after the baseline PUT. */
  static final String AT_BASELINE =
      """
      {"url": "u", "enforce_admins": {"url": "u", "enabled": true},
       "required_pull_request_reviews": {"url": "u", "dismiss_stale_reviews": true,
         "require_code_owner_reviews": false, "required_approving_review_count": 1,
         "require_last_push_approval": false},
       "required_linear_history": {"enabled": true}, "allow_force_pushes": {"enabled": false},
       "allow_deletions": {"enabled": false}, "block_creations": {"enabled": false},
       "required_conversation_resolution": {"enabled": false}, "lock_branch": {"enabled": false},
       "allow_fork_syncing": {"enabled": false}, "required_signatures": {"enabled": true}}
      """;

  static JsonNode get(String... replacements) throws Exception {
    String s = AT_BASELINE;
    for (int i = 0; i < replacements.length; i += 2) {
      s = s.replace(replacements[i], replacements[i + 1]);
    }
    return JSON.readTree(s);
  }

  record Case(JsonNode current, String result, String pointer, String expected) {}

  static Arguments c(String name, JsonNode current, String result, String ptr, String value) {
    return Arguments.of(Named.of(name, new Case(current, result, ptr, value)));
  }

  static Stream<Arguments> cases() throws Exception {
    String reviews = "\"required_approving_review_count\": 1";
    return Stream.of(
        c("already the baseline: unchanged", get(), "Unchanged", null, null),
        c(
            "more reviews are kept: unchanged",
            get(reviews, "\"required_approving_review_count\": 3"),
            "Unchanged",
            null,
            null),
        c(
            "code owners kept: unchanged",
            get("\"require_code_owner_reviews\": false", "\"require_code_owner_reviews\": true"),
            "Unchanged",
            null,
            null),
        c(
            "fewer reviews are raised",
            get(reviews, "\"required_approving_review_count\": 0"),
            "Write",
            "/required_pull_request_reviews/required_approving_review_count",
            "1"),
        c(
            "admins enforced",
            get("\"url\": \"u\", \"enabled\": true", "\"enabled\": false"),
            "Write",
            "/enforce_admins",
            "true"),
        c(
            "force pushes forbidden",
            get(
                "\"allow_force_pushes\": {\"enabled\": false}",
                "\"allow_force_pushes\": {\"enabled\": true}"),
            "Write",
            "/allow_force_pushes",
            "false"),
        c(
            "status checks kept, any-app null becomes -1",
            get(
                "\"url\": \"u\", \"enforce_admins\"",
                "\"required_status_checks\": {\"strict\":"
                    + " true, \"contexts\": [\"A\", \"B\"], \"checks\": [{\"context\": \"A\","
                    + " \"app_id\": 7}, {\"context\": \"B\", \"app_id\": null}]}, \"enforce_admins\""),
            "Unchanged",
            null,
            null),
        c(
            "legacy contexts only",
            get(
                "\"url\": \"u\", \"enforce_admins\"",
                "\"required_status_checks\": {\"strict\": false, \"contexts\": [\"C\"]},"
                    + " \"enforce_admins\"",
                "\"allow_deletions\": {\"enabled\": false}",
                "\"allow_deletions\": {\"enabled\": true}"),
            "Write",
            "/required_status_checks/checks",
            "[{\"context\":\"C\",\"app_id\":-1}]"),
        c(
            "push restrictions kept as names",
            get(
                "\"url\": \"u\", \"enforce_admins\"",
                "\"restrictions\": {\"users\": [{\"login\": \"octocat\"}], \"teams\": [{\"slug\":"
                    + " \"platform\"}], \"apps\": []}, \"enforce_admins\"",
                "\"lock_branch\":" + " {\"enabled\": false}",
                "\"lock_branch\": {\"enabled\": true}",
                "\"allow_fork_syncing\": {\"enabled\": false}",
                "\"allow_fork_syncing\": {\"enabled\": true}"),
            "Write",
            "/restrictions",
            "{\"users\":[\"octocat\"],\"teams\":[\"platform\"],\"apps\":[]}"),
        c(
            "dismissal restrictions kept",
            get(
                "\"require_last_push_approval\": false}",
                "\"require_last_push_approval\": false, \"dismissal_restrictions\": {\"users\":"
                    + " [{\"login\": \"lead\"}], \"teams\": [], \"apps\": []}}",
                "\"dismiss_stale_reviews\": true",
                "\"dismiss_stale_reviews\": false"),
            "Write",
            "/required_pull_request_reviews/dismissal_restrictions/users",
            "[\"lead\"]"),
        c(
            "unknown setting switched on: refused",
            get("\"url\": \"u\",", "\"url\": \"u\", \"require_deployments\": {\"enabled\": true},"),
            "Refuse",
            null,
            null),
        c(
            "unknown setting switched off: ignored",
            get(
                "\"url\": \"u\",",
                "\"url\": \"u\", \"require_deployments\": {\"enabled\": false},"),
            "Unchanged",
            null,
            null),
        c(
            "malformed flag: refused",
            get("\"allow_deletions\": {\"enabled\": false}", "\"allow_deletions\": \"no\""),
            "Refuse",
            null,
            null),
        c(
            "malformed review count: refused",
            get(reviews, "\"required_approving_review_count\": \"two\""),
            "Refuse",
            null,
            null),
        c(
            "restriction entry without login: refused",
            get(
                "\"url\": \"u\", \"enforce_admins\"",
                "\"restrictions\": {\"users\": [{\"id\": 1}], \"teams\": [], \"apps\": []},"
                    + " \"enforce_admins\""),
            "Refuse",
            null,
            null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void merges(Case c) {
    StateMerge.Result r = MERGE.merge(Optional.of(c.current()));
    assertEquals(c.result(), r.getClass().getSimpleName(), r.toString());
    if (c.pointer() != null) {
      JsonNode body = ((StateMerge.Write) r).body();
      assertEquals(c.expected(), body.at(c.pointer()).toString(), body.toString());
      // Whatever changed, the write is at least the baseline.
      assertEquals("true", body.at("/enforce_admins").toString());
      assertEquals("false", body.at("/allow_force_pushes").toString());
    }
  }

  @Test
  void noProtectionMeansTheBaselineAndOnly404BranchNotProtectedMeansNone() {
    StateMerge.Write w = assertInstanceOf(StateMerge.Write.class, MERGE.merge(Optional.empty()));
    assertEquals(
        1, w.body().at("/required_pull_request_reviews/required_approving_review_count").asInt());
    assertEquals(true, MERGE.absent(404, "Branch not protected"));
    assertEquals(false, MERGE.absent(404, "Not Found"));
    assertEquals(false, MERGE.absent(404, "Branch not found"));
  }
}
