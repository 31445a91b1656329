package dev.agentbroker.testkit.github;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link GitHubSimulator#contentsAccess}: what a git host asks about a token. */
class ContentsAccessTest extends SimulatorHarness {

  enum Case {
    UNSCOPED_TOKEN(t -> t.mintToken(ACME, null), "acme", "svc-a", "write"),
    READ_SCOPED(
        t ->
            t.mintToken(
                ACME, "{\"repositories\":[\"svc-a\"],\"permissions\":{\"contents\":\"read\"}}"),
        "acme",
        "svc-a",
        "read"),
    CASE_INSENSITIVE(
        t -> t.mintToken(ACME, "{\"repositories\":[\"svc-a\"]}"), "ACME", "Svc-A", "write"),
    REPOSITORY_NOT_IN_TOKEN(
        t -> t.mintToken(ACME, "{\"repositories\":[\"svc-b\"]}"), "acme", "svc-a", null),
    OTHER_OWNER(t -> t.mintToken(ACME, null), "octocat", "svc-a", null),
    UNKNOWN_REPOSITORY(t -> t.mintToken(ACME, null), "acme", "nope", null),
    NO_CONTENTS_PERMISSION(
        t -> t.mintToken(ACME, "{\"permissions\":{\"issues\":\"write\"}}"), "acme", "svc-a", null),
    OTHER_INSTALLATION(t -> t.mintToken(OCTOCAT, null), "octocat", "hello-world", "write"),
    REVOKED(
        t -> {
          String token = t.mintToken(ACME, null);
          t.send("DELETE", "/installation/token", "token " + token, null);
          return token;
        },
        "acme",
        "svc-a",
        null),
    EXPIRED(
        t -> {
          String token = t.mintToken(ACME, null);
          t.clock.advance(Duration.ofHours(1));
          return token;
        },
        "acme",
        "svc-a",
        null),
    SUSPENDED(
        t -> {
          String token = t.mintToken(ACME, null);
          t.sim.suspend(ACME);
          return token;
        },
        "acme",
        "svc-a",
        null),
    NEVER_ISSUED(t -> "ghs_" + "x".repeat(36), "acme", "svc-a", null);

    final Function<ContentsAccessTest, String> token;
    final String owner;
    final String repo;
    final String expected;

    Case(Function<ContentsAccessTest, String> token, String owner, String repo, String expected) {
      this.token = token;
      this.owner = owner;
      this.repo = repo;
      this.expected = expected;
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Case.class)
  void answersTheContentsLevel(Case c) {
    String token = c.token.apply(this);
    assertEquals(Optional.ofNullable(c.expected), sim.contentsAccess(token, c.owner, c.repo));
  }
}
