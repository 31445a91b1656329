package dev.agentbroker.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Verb decisions: named table cases asserting reason, rule and identity. */
class EvaluateVerbTest {
  static final String BAO = "https://bao.example/oidc";

  static final String POLICY =
      """
      version: 1
      identities:
        - id: maker
          issuer: https://bao.example/oidc
          subject: "maker"
          profile: ci
        - id: other
          issuer: https://bao.example/oidc
          subject: "other"
          profile: autonomous
      verbs:
        create-repo:
          allowed_identities: [maker]
          rate: 3/hour
          params:
            owner: [acme]
            name: "(?!prod-).+"
            visibility: [private, internal]
            template: [svc-template]
        grant-team-access:
          allowed_identities: [maker]
          rate: 3/hour
          params: {owner: [acme], repo: "svc-.*", team: [platform], permission: [pull, push]}
        apply-branch-protection:
          allowed_identities: [maker, other]
          rate: 3/hour
          params: {owner: [acme], repo: ".*", branch: [main, release/v1]}
      """;

  static CompiledPolicy policy;

  @BeforeAll
  static void compile() throws PolicyException {
    policy = PolicyCompiler.compile(POLICY, "verbs.yaml");
  }

  record Case(
      Caller caller,
      String verb,
      Map<String, String> params,
      String reason,
      String ruleId,
      String identityId) {}

  static Map<String, String> p(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  static Map<String, String> repo(String name, String... more) {
    Map<String, String> m =
        p("owner", "acme", "name", name, "visibility", "private", "template", "svc-template");
    m.putAll(p(more));
    return m;
  }

  static Arguments c(
      String name,
      String subject,
      String verb,
      Map<String, String> params,
      String reason,
      String ruleId,
      String identityId) {
    Caller caller = Caller.of(BAO, subject);
    return Arguments.of(Named.of(name, new Case(caller, verb, params, reason, ruleId, identityId)));
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        c(
            "every parameter listed and accepted",
            "maker",
            "create-repo",
            repo("svc-a"),
            "allowed",
            "verbs/create-repo",
            "maker"),
        c(
            "owner is a GitHub name: case-insensitive",
            "maker",
            "create-repo",
            repo("svc-a", "owner", "ACME"),
            "allowed",
            "verbs/create-repo",
            "maker"),
        c(
            "a negative pattern cannot be sidestepped by re-casing",
            "maker",
            "create-repo",
            repo("PROD-db"),
            "parameter_not_allowed",
            "verbs/create-repo",
            "maker"),
        c(
            "an unlisted parameter is rejected",
            "maker",
            "create-repo",
            repo("svc-a", "colour", "red"),
            "parameter_not_allowed",
            "verbs/create-repo",
            "maker"),
        c(
            "a pinned optional parameter is required",
            "maker",
            "create-repo",
            p("owner", "acme", "name", "svc-a", "visibility", "private"),
            "parameter_required",
            "verbs/create-repo",
            "maker"),
        c(
            "owner outside the list",
            "maker",
            "create-repo",
            repo("svc-a", "owner", "evil"),
            "parameter_not_allowed",
            "verbs/create-repo",
            "maker"),
        c(
            "enumerations are exact",
            "maker",
            "create-repo",
            repo("svc-a", "visibility", "PRIVATE"),
            "parameter_not_allowed",
            "verbs/create-repo",
            "maker"),
        c(
            "team is a GitHub name",
            "maker",
            "grant-team-access",
            p("owner", "acme", "repo", "SVC-a", "team", "Platform", "permission", "push"),
            "allowed",
            "verbs/grant-team-access",
            "maker"),
        c(
            "only ASCII folds: the long s is not an s",
            "maker",
            "grant-team-access",
            p("owner", "acme", "repo", "\u017fvc-a", "team", "platform", "permission", "push"),
            "parameter_not_allowed",
            "verbs/grant-team-access",
            "maker"),
        c(
            "permission outside the list",
            "maker",
            "grant-team-access",
            p("owner", "acme", "repo", "svc-a", "team", "platform", "permission", "maintain"),
            "parameter_not_allowed",
            "verbs/grant-team-access",
            "maker"),
        c(
            "branch pinned",
            "other",
            "apply-branch-protection",
            p("owner", "acme", "repo", "svc-a", "branch", "release/v1"),
            "allowed",
            "verbs/apply-branch-protection",
            "other"),
        c(
            "branch names are case-sensitive",
            "other",
            "apply-branch-protection",
            p("owner", "acme", "repo", "svc-a", "branch", "MAIN"),
            "parameter_not_allowed",
            "verbs/apply-branch-protection",
            "other"),
        c(
            "pinned branch missing",
            "other",
            "apply-branch-protection",
            p("owner", "acme", "repo", "svc-a"),
            "parameter_required",
            "verbs/apply-branch-protection",
            "other"),
        c(
            "identity not in allowed_identities",
            "other",
            "create-repo",
            repo("svc-a"),
            "verb_not_granted",
            "verbs/create-repo",
            "other"),
        c(
            "no rule for the verb",
            "maker",
            "set-repo-metadata",
            p("owner", "acme", "repo", "x"),
            "verb_not_granted",
            "default-deny",
            "maker"),
        c(
            "no identity",
            "nobody",
            "create-repo",
            repo("svc-a"),
            "no_matching_identity",
            "default-deny",
            null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decides(Case c) {
    Decision d = policy.evaluateVerb(c.caller(), c.verb(), c.params());
    assertEquals(c.reason(), d.reason(), () -> String.join("\n", d.explanation()));
    assertEquals(c.ruleId(), d.ruleId());
    assertEquals(c.identityId(), d.identityId());
    assertEquals(c.verb(), d.verb());
    assertEquals("allowed".equals(c.reason()), d.allowed());
    assertTrue(d.scope().isEmpty(), "a verb decision never carries a scope");
    assertFalse(d.explanation().isEmpty());
  }

  @Test
  void breakGlassChecksOnlyTheParameters() {
    Decision ok = policy.evaluateBreakGlassVerb("create-repo", repo("svc-a"));
    assertEquals("allowed", ok.reason());
    assertEquals("verbs/create-repo", ok.ruleId());
    assertEquals(null, ok.identityId());
    Decision unlisted = policy.evaluateBreakGlassVerb("create-repo", repo("svc-a", "x", "y"));
    assertEquals("parameter_not_allowed", unlisted.reason());
    Decision missing =
        policy.evaluateBreakGlassVerb("create-repo", p("owner", "acme", "name", "svc-a"));
    assertEquals("parameter_required", missing.reason());
    Decision noRule = policy.evaluateBreakGlassVerb("set-repo-metadata", p("owner", "evil"));
    assertEquals("allowed", noRule.reason());
    assertEquals("break-glass", noRule.ruleId());
  }

  @Test
  void verbDecisionsNeverCarryAScopeAndRulesAlwaysPinTheOwner() {
    Scope s = new Scope("acme", List.of("a"), List.of(), Map.of("contents", "read"));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Decision(Outcome.ALLOW, "allowed", "r", "i", null, Optional.of(s), null, "v"));
    Rate rate = new Rate(1, java.time.temporal.ChronoUnit.HOURS);
    ParamRule any = new ParamRule.Matching("owner", Pattern.compile(".*"));
    assertThrows(
        IllegalArgumentException.class,
        () -> new VerbRule("v", List.of("i"), rate, Map.of("repo", any)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new VerbRule("v", List.of("i"), rate, Map.of("owner", any)));
  }
}
