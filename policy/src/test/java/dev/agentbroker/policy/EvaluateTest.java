package dev.agentbroker.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EvaluateTest {
  static final String BAO = "https://bao.example/oidc";
  static final String GHA = "https://token.actions.githubusercontent.com";

  static final String POLICY =
      """
      version: 1
      profiles:
        interactive: {narrow_to_ceiling: true}
      identities:
        - id: launcher
          issuer: https://bao.example/oidc
          subject: "agent-launcher"
          profile: autonomous
          grants:
            - owner: acme
              repositories: ["svc-*", "docs", 123456]
              permissions: {contents: write, pull_requests: write, issues: read}
            - id: bulk-read
              owner: acme
              repositories: ["*"]
              permissions: {contents: read, metadata: read}
              max_repositories_per_token: 3
        - id: ci-release
          issuer: https://token.actions.githubusercontent.com
          claims: {repository: "acme/release-tools", ref: "refs/heads/main"}
          profile: ci
          grants: [{owner: acme, repositories: ["release-*"], permissions: {contents: read}}]
        - id: human
          issuer: https://bao.example/oidc
          subject: "alice|bob"
          profile: interactive
          grants:
            - owner: Acme
              repositories: ["*"]
              permissions: {contents: read, issues: write}
        - id: human-shadowed
          issuer: https://bao.example/oidc
          subject: "alice"
          profile: interactive
          grants: [{owner: acme, repositories: ["*"], permissions: {contents: write}}]
        - id: ab
          issuer: https://bao.example/oidc
          subject: "a|b"
          profile: autonomous
          grants: [{owner: acme, repositories: ["x"], permissions: {contents: read}}]
        - id: verb-only
          issuer: https://bao.example/oidc
          subject: "maker"
          profile: ci
      """;

  static CompiledPolicy policy;

  @BeforeAll
  static void compile() throws PolicyException {
    policy = PolicyCompiler.compile(POLICY, "eval.yaml");
  }

  record Case(
      Caller caller, TokenRequest request, String reason, String ruleId, String identityId) {}

  static Caller bao(String subject) {
    return Caller.of(BAO, subject);
  }

  static Caller gha(String repository, String ref) {
    return new Caller(
        GHA, "repo:" + repository + ":ref:" + ref, Map.of("repository", repository, "ref", ref));
  }

  static TokenRequest req(String owner, List<String> repos, Map<String, String> perms) {
    return new TokenRequest(owner, repos, List.of(), perms);
  }

  static Arguments c(
      String name,
      Caller caller,
      TokenRequest request,
      String reason,
      String ruleId,
      String identityId) {
    return Arguments.of(Named.of(name, new Case(caller, request, reason, ruleId, identityId)));
  }

  static final Map<String, String> CW = Map.of("contents", "write");
  static final Map<String, String> CR = Map.of("contents", "read");

  static Stream<Arguments> cases() {
    Caller launcher = bao("agent-launcher");
    return Stream.of(
        c(
            "single write repo allowed",
            launcher,
            req("acme", List.of("svc-api"), CW),
            "allowed",
            "launcher/grants[0]",
            "launcher"),
        c(
            "owner and glob are case-insensitive",
            launcher,
            req("ACME", List.of("SVC-Api"), CW),
            "allowed",
            "launcher/grants[0]",
            "launcher"),
        c(
            "exact name entry",
            launcher,
            req("acme", List.of("docs"), Map.of("issues", "read")),
            "allowed",
            "launcher/grants[0]",
            "launcher"),
        c(
            "glob needs its prefix; the furthest grant decides",
            launcher,
            req("acme", List.of("my-svc-a"), Map.of("pull_requests", "write")),
            "permission_not_granted",
            "launcher/bulk-read",
            "launcher"),
        c(
            "glob never crosses a slash",
            launcher,
            req("acme", List.of("svc-a/../secret"), CW),
            "repository_not_granted",
            "launcher/grants[0]",
            "launcher"),
        c(
            "repository id grant",
            launcher,
            new TokenRequest("acme", null, List.of(123456L), CW),
            "allowed",
            "launcher/grants[0]",
            "launcher"),
        c(
            "ungranted repository id",
            launcher,
            new TokenRequest("acme", null, List.of(999L), CR),
            "repository_not_granted",
            "launcher/grants[0]",
            "launcher"),
        c(
            "numeric name matches only globs, not ids",
            launcher,
            req("acme", List.of("123456"), CW),
            "permission_level_exceeds_grant",
            "launcher/bulk-read",
            "launcher"),
        c(
            "autonomous write token with 2 repos",
            launcher,
            req("acme", List.of("svc-a", "svc-b"), CW),
            "too_many_repositories",
            "launcher/grants[0]",
            "launcher"),
        c(
            "autonomous read token with 2 repos",
            launcher,
            req("acme", List.of("svc-a", "docs"), CR),
            "allowed",
            "launcher/grants[0]",
            "launcher"),
        c(
            "write limit counts names plus ids",
            launcher,
            new TokenRequest("acme", List.of("svc-a"), List.of(123456L), CW),
            "too_many_repositories",
            "launcher/grants[0]",
            "launcher"),
        c(
            "grant max overrides profile read limit",
            launcher,
            req("acme", List.of("a", "b", "c", "d"), CR),
            "too_many_repositories",
            "launcher/bulk-read",
            "launcher"),
        c(
            "second grant covers when first does not",
            launcher,
            req("acme", List.of("a", "b", "c"), Map.of("metadata", "read")),
            "allowed",
            "launcher/bulk-read",
            "launcher"),
        c(
            "permission name absent from grants",
            launcher,
            req("acme", List.of("svc-a"), Map.of("actions", "read")),
            "permission_not_granted",
            "launcher/grants[0]",
            "launcher"),
        c(
            "level above ceiling without narrowing",
            launcher,
            req("acme", List.of("docs"), Map.of("issues", "write")),
            "permission_level_exceeds_grant",
            "launcher/grants[0]",
            "launcher"),
        c(
            "invalid level for permission",
            launcher,
            req("acme", List.of("docs"), Map.of("contents", "admin")),
            "unknown_permission",
            "launcher",
            "launcher"),
        c(
            "unknown permission name",
            launcher,
            req("acme", List.of("docs"), Map.of("pull_request", "read")),
            "unknown_permission",
            "launcher",
            "launcher"),
        c(
            "no repositories at all",
            launcher,
            req("acme", List.of(), CR),
            "repositories_required",
            "launcher",
            "launcher"),
        c(
            "no permissions",
            launcher,
            req("acme", List.of("docs"), Map.of()),
            "permissions_required",
            "launcher",
            "launcher"),
        c(
            "owner not granted",
            launcher,
            req("evil-corp", List.of("docs"), CR),
            "owner_not_granted",
            "launcher",
            "launcher"),
        c(
            "unknown issuer",
            Caller.of("https://other", "agent-launcher"),
            req("acme", List.of("docs"), CR),
            "no_matching_identity",
            "default-deny",
            null),
        c(
            "issuer compared exactly",
            Caller.of(BAO + "/", "agent-launcher"),
            req("acme", List.of("docs"), CR),
            "no_matching_identity",
            "default-deny",
            null),
        c(
            "subject anchored at the end",
            bao("agent-launcher-evil"),
            req("acme", List.of("docs"), CR),
            "no_matching_identity",
            "default-deny",
            null),
        c(
            "subject anchored at the start",
            bao("evil-agent-launcher"),
            req("acme", List.of("docs"), CR),
            "no_matching_identity",
            "default-deny",
            null),
        c(
            "alternation a|b does not match ab",
            bao("ab"),
            req("acme", List.of("x"), CR),
            "no_matching_identity",
            "default-deny",
            null),
        c(
            "alternation a|b matches b",
            bao("b"),
            req("acme", List.of("x"), CR),
            "allowed",
            "ab/grants[0]",
            "ab"),
        c(
            "actions claims match",
            gha("acme/release-tools", "refs/heads/main"),
            req("acme", List.of("release-x"), CR),
            "allowed",
            "ci-release/grants[0]",
            "ci-release"),
        c(
            "actions claim on another branch",
            gha("acme/release-tools", "refs/heads/feature"),
            req("acme", List.of("release-x"), CR),
            "no_matching_identity",
            "default-deny",
            null),
        c(
            "actions claim anchored",
            gha("acme/release-tools-fork", "refs/heads/main"),
            req("acme", List.of("release-x"), CR),
            "no_matching_identity",
            "default-deny",
            null),
        c(
            "actions claim missing",
            new Caller(GHA, "x", Map.of("repository", "acme/release-tools")),
            req("acme", List.of("release-x"), CR),
            "no_matching_identity",
            "default-deny",
            null),
        c(
            "first matching identity wins",
            bao("alice"),
            req("acme", List.of("any"), Map.of("issues", "write")),
            "allowed",
            "human/grants[0]",
            "human"),
        c(
            "first match is not retried on deny",
            bao("alice"),
            req("other", List.of("any"), CR),
            "owner_not_granted",
            "human",
            "human"),
        c(
            "interactive narrows to ceiling",
            bao("bob"),
            req("acme", List.of("a", "b"), Map.of("contents", "write", "issues", "write")),
            "allowed_narrowed",
            "human/grants[0]",
            "human"),
        c(
            "narrowing never adds permission names",
            bao("bob"),
            req("acme", List.of("a"), Map.of("actions", "write")),
            "permission_not_granted",
            "human/grants[0]",
            "human"),
        c(
            "verb-only identity gets no tokens",
            bao("maker"),
            req("acme", List.of("a"), CR),
            "owner_not_granted",
            "verb-only",
            "verb-only"));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void evaluate(Case tc) {
    Decision d = policy.evaluate(tc.caller(), tc.request());
    String why = String.join("\n", d.explanation());
    assertEquals(tc.reason(), d.reason(), why);
    assertEquals(tc.ruleId(), d.ruleId(), why);
    assertEquals(tc.identityId(), d.identityId(), why);
    assertEquals(d.reason().startsWith("allowed"), d.allowed());
    assertEquals(d.allowed(), d.scope().isPresent());
    assertFalse(d.explanation().isEmpty());
  }

  @Test
  void allowReturnsRequestOrderAndOwnerAsRequested() {
    Decision d =
        policy.evaluate(
            bao("bob"), new TokenRequest("acme", List.of("zeta", "alpha"), List.of(), CR));
    Scope s = d.scope().orElseThrow();
    assertEquals("acme", s.owner());
    assertEquals(List.of("zeta", "alpha"), s.repositories());
    assertEquals(CR, s.permissions());
    assertEquals(Profile.INTERACTIVE, d.profile());
    assertTrue(d.explanation().get(0).contains("identity 'human'"), d.explanation().toString());
  }

  @Test
  void narrowingLowersLevelsAndExplains() {
    Decision d =
        policy.evaluate(
            bao("bob"), req("acme", List.of("a"), Map.of("contents", "write", "issues", "write")));
    assertEquals("allowed_narrowed", d.reason());
    assertEquals(
        Map.of("contents", "read", "issues", "write"), d.scope().orElseThrow().permissions());
    assertEquals(
        List.of("contents", "issues"), List.copyOf(d.scope().orElseThrow().permissions().keySet()));
    assertTrue(
        d.explanation().stream().anyMatch(l -> l.contains("lowered contents from write to read")),
        d.explanation().toString());
  }

  @Test
  void denyExplainsEveryGrantConsidered() {
    Decision d = policy.evaluate(bao("agent-launcher"), req("acme", List.of("x y"), CW));
    assertEquals("repository_not_granted", d.reason());
    assertTrue(
        d.explanation().contains("grants[0]: repository 'x y' does not match [svc-*, docs]"),
        d.explanation().toString());
    assertTrue(
        d.explanation().stream().anyMatch(l -> l.startsWith("bulk-read: repository 'x y'")),
        d.explanation().toString());
  }

  @Test
  void tooManyExplainsTheLimit() {
    Decision d = policy.evaluate(bao("agent-launcher"), req("acme", List.of("svc-a", "svc-b"), CW));
    assertTrue(
        d.explanation().stream().anyMatch(l -> l.contains("profile autonomous write limit is 1")),
        d.explanation().toString());
    assertNull(policy.evaluate(bao("nobody"), req("acme", List.of("a"), CR)).profile());
  }

  @Test
  void customProfileLimitsApply() throws PolicyException {
    CompiledPolicy p =
        PolicyCompiler.compile(
            """
            version: 1
            profiles:
              autonomous: {max_write_repositories_per_token: 2}
            identities:
              - {id: a, issuer: i, subject: s, profile: autonomous,
                 grants: [{owner: o, repositories: ["*"], permissions: {contents: write}}]}
            """,
            "inline");
    assertEquals(2, p.settings(Profile.AUTONOMOUS).maxWriteRepositoriesPerToken());
    assertEquals(10, p.settings(Profile.AUTONOMOUS).maxRepositoriesPerToken());
    Caller caller = Caller.of("i", "s");
    assertTrue(p.evaluate(caller, req("o", List.of("x", "y"), CW)).allowed());
    assertEquals(
        "too_many_repositories", p.evaluate(caller, req("o", List.of("x", "y", "z"), CW)).reason());
  }
}
