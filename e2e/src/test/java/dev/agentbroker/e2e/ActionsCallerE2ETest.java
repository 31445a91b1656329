package dev.agentbroker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.testkit.demo.DemoStack;
import dev.agentbroker.testkit.oidc.ActionsOidcIssuer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * GitHub Actions OIDC as a caller, through the real broker (issuer preset github-actions, pointed
 * at a local issuer's JWKS as for GitHub Enterprise Server) and the real CLI: the recommended
 * identity (repository and owner ids, pinned reusable workflow) lets exactly its repository's job
 * in, with the classic or the immutable subject; a re-created repository of the same name, another
 * workflow, another audience or an expired token is refused — while the identity matched by name
 * only (which policy lint warns about) lets the impostor in.
 */
class ActionsCallerE2ETest {
  static DemoStack chain;
  static ActionsOidcIssuer actions;
  static Path dir;

  @BeforeAll
  static void start() throws Exception {
    chain = Chain.get();
    actions = Chain.actions();
    dir = Files.createTempDirectory("actions-caller-");
  }

  static ActionsOidcIssuer.Run run(
      String repo, long repoId, String jobWorkflowRef, boolean immutable) {
    return ActionsOidcIssuer.Run.builder("acme", Chain.ACME_ID, repo, repoId)
        .jobWorkflowRef(jobWorkflowRef)
        .immutableSubject(immutable)
        .build();
  }

  static Arguments c(
      String name,
      ActionsOidcIssuer.Run run,
      String audience,
      Duration lifetime,
      String repo,
      int exit,
      String owner) {
    return Arguments.of(name, run, audience, lifetime, repo, exit, owner);
  }

  static Stream<Arguments> cases() {
    String pinned = Chain.REUSABLE_WORKFLOW;
    Duration ok = Duration.ofMinutes(5);
    return Stream.of(
        c(
            "recommended identity, classic subject",
            run("svc-a", Chain.SVC_A_ID, pinned, false),
            "agent-broker",
            ok,
            "acme/svc-a",
            0,
            "svc-a"),
        c(
            "recommended identity, immutable subject",
            run("svc-a", Chain.SVC_A_ID, pinned, true),
            "agent-broker",
            ok,
            "acme/svc-a",
            0,
            "svc-a"),
        c(
            "re-created svc-a (new id) is not svc-a",
            run("svc-a", 888888, pinned, false),
            "agent-broker",
            ok,
            "acme/svc-a",
            68,
            null),
        c(
            "another workflow of svc-a",
            run(
                "svc-a",
                Chain.SVC_A_ID,
                "acme/svc-a/.github/workflows/evil.yml@refs/heads/main",
                false),
            "agent-broker",
            ok,
            "acme/svc-a",
            68,
            null),
        c(
            "a repository the identity does not grant",
            run("svc-a", Chain.SVC_A_ID, pinned, false),
            "agent-broker",
            ok,
            "acme/svc-c",
            68,
            null),
        c(
            "another audience",
            run("svc-a", Chain.SVC_A_ID, pinned, false),
            "other-service",
            ok,
            "acme/svc-a",
            67,
            null),
        c(
            "expired token",
            run("svc-a", Chain.SVC_A_ID, pinned, false),
            "agent-broker",
            Duration.ofMinutes(-10),
            "acme/svc-a",
            67,
            null),
        c(
            "by-name identity lets a re-created svc-b in (lint warns)",
            run("svc-b", 777777, pinned, false),
            "agent-broker",
            ok,
            "acme/svc-b",
            0,
            "svc-b"));
  }

  @ParameterizedTest(name = "{0} -> exit {5}")
  @MethodSource("cases")
  void actionsJobsGetExactlyWhatTheirIdentityGrants(
      String name,
      ActionsOidcIssuer.Run run,
      String audience,
      Duration lifetime,
      String repo,
      int exit,
      String grantedRepo)
      throws Exception {
    Path jwt = dir.resolve(name.replaceAll("[^a-z0-9]+", "-") + ".jwt");
    // A negative "lifetime" means: signed that long ago, valid for five minutes (so expired now).
    if (lifetime.isNegative()) {
      Chain.ACTIONS_CLOCK.offset(lifetime);
    }
    try {
      Files.writeString(jwt, actions.token(run, audience, Duration.ofMinutes(5)));
    } finally {
      Chain.ACTIONS_CLOCK.offset(Duration.ZERO);
    }
    Map<String, String> env = new java.util.LinkedHashMap<>(Chain.agentEnv());
    env.put("AGENT_CALLER_TOKEN_FILE", jwt.toString());
    Agent.Result r =
        Agent.run(env, "token", "-q", "--repo", repo, "--permissions", "contents=read");
    assertEquals(exit, r.exit(), name + ": " + r.err());
    if (exit == 0) {
      String token = r.out().trim();
      assertEquals(
          Optional.of("read"), chain.simulator().contentsAccess(token, "acme", grantedRepo), name);
      for (String other : List.of("svc-a", "svc-b", "svc-c")) {
        if (!other.equals(grantedRepo)) {
          assertEquals(
              Optional.empty(),
              chain.simulator().contentsAccess(token, "acme", other),
              name + ": only " + grantedRepo);
        }
      }
    } else {
      assertEquals(1, r.errorLines().size(), r.err());
      assertTrue(
          r.errorLines()
              .get(0)
              .startsWith(exit == 68 ? "agent: policy_denied:" : "agent: unauthenticated:"),
          r.err());
    }
  }
}
