package dev.agentbroker.testkit.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What the host refuses, driven by the real git CLI and, for non-git paths, by an HTTP client. */
class GitHostRefusalTest extends GitHostHarness {

  /** One refused git operation: how the token is obtained, what git does, what must come back. */
  enum Refusal {
    READ_TOKEN_PUSHES(
        t -> t.mintToken(ACME, READ_SVC_A),
        true,
        403,
        "remote: Permission to acme/svc-a.git denied to x-access-token."),
    TOKEN_FOR_ANOTHER_REPOSITORY(
        t -> t.mintToken(ACME, "{\"repositories\":[\"svc-b\"]}"),
        false,
        404,
        "remote: Repository not found."),
    TOKEN_OF_ANOTHER_ACCOUNT(
        t -> t.mintToken(OCTOCAT, null), false, 404, "remote: Repository not found."),
    TOKEN_WITHOUT_CONTENTS(
        t -> t.mintToken(ACME, "{\"permissions\":{\"issues\":\"write\"}}"),
        false,
        404,
        "remote: Repository not found."),
    REVOKED_TOKEN(
        t -> {
          String token = t.mintToken(ACME, WRITE_SVC_A);
          t.revoke(token);
          return token;
        },
        false,
        401,
        "Authentication failed"),
    EXPIRED_TOKEN(
        t -> {
          String token = t.mintToken(ACME, WRITE_SVC_A);
          t.clock.advance(Duration.ofMinutes(61));
          return token;
        },
        true,
        401,
        "Authentication failed"),
    UNKNOWN_TOKEN(t -> "ghs_" + "0".repeat(36), false, 401, "Authentication failed"),
    NO_CREDENTIALS(t -> null, false, 401, "terminal prompts disabled");

    final Function<GitHostRefusalTest, String> token;
    final boolean push;
    final int status;
    final String gitSays;

    Refusal(Function<GitHostRefusalTest, String> token, boolean push, int status, String gitSays) {
      this.token = token;
      this.push = push;
      this.status = status;
      this.gitSays = gitSays;
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Refusal.class)
  void gitIsRefused(Refusal c) throws IOException {
    String before = host.ref("acme/svc-a", "refs/heads/main");
    String token = c.token.apply(this);
    GitRun run;
    if (c.push) {
      Path work = localRepo("push", Map.of("x.txt", "x\n".getBytes(StandardCharsets.UTF_8)));
      run = git(work, token, "push", host.repoUrl("acme/svc-a"), "main:refs/heads/main");
    } else {
      run = git(tmp, token, "ls-remote", host.repoUrl("acme/svc-a"));
    }
    assertNotEquals(0, run.exit(), run.stdout());
    assertTrue(run.stderr().contains(c.gitSays), run.stderr());
    List<Integer> statuses = statuses();
    assertEquals(c.status, statuses.get(statuses.size() - 1), statuses.toString());
    assertEquals(before, host.ref("acme/svc-a", "refs/heads/main"));
  }

  /** Paths GitHub's git front end does not serve; answered 404 whatever the credentials. */
  enum NotARoute {
    ROOT("GET", "/"),
    DUMB_HEAD_FILE("GET", "/acme/svc-a.git/HEAD"),
    INFO_REFS_WITHOUT_SERVICE("GET", "/acme/svc-a.git/info/refs"),
    INFO_REFS_UNKNOWN_SERVICE("GET", "/acme/svc-a.git/info/refs?service=git-upload-archive"),
    INFO_REFS_BY_POST("POST", "/acme/svc-a.git/info/refs?service=git-upload-pack"),
    UPLOAD_PACK_BY_GET("GET", "/acme/svc-a.git/git-upload-pack"),
    DOT_DOT("GET", "/acme/../info/refs?service=git-upload-pack"),
    ENCODED_SLASH("GET", "/acme%2Fsvc-a.git/info/refs?service=git-upload-pack"),
    THREE_SEGMENTS("GET", "/acme/svc-a/extra.git/info/refs?service=git-upload-pack");

    final String method;
    final String path;

    NotARoute(String method, String path) {
      this.method = method;
      this.path = path;
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(NotARoute.class)
  void unknownPathsAre404(NotARoute c) {
    String token = mintToken(ACME, WRITE_SVC_A);
    HttpResponse<String> r = hostRequest(c.method, c.path, token, new byte[0]);
    assertEquals(404, r.statusCode(), r.body());
    GitRequest rec = host.requests().get(host.requests().size() - 1);
    assertEquals(GitRequest.Kind.OTHER, rec.kind());
    assertEquals(404, rec.status());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(
      value = Refusal.class,
      names = {"NO_CREDENTIALS", "UNKNOWN_TOKEN"})
  void challengeIsGitHubsBasicRealm(Refusal c) {
    HttpResponse<String> r =
        hostRequest(
            "GET", "/acme/svc-a.git/info/refs?service=git-upload-pack", c.token.apply(this), null);
    assertEquals(401, r.statusCode());
    assertEquals("Basic realm=\"GitHub\"", r.headers().firstValue("WWW-Authenticate").orElse(""));
  }

  @Test
  void readTokenIsRefusedOnThePostToo() {
    String token = mintToken(ACME, READ_SVC_A);
    HttpResponse<String> r =
        hostRequest("POST", "/acme/svc-a.git/git-receive-pack", token, new byte[4]);
    assertEquals(403, r.statusCode());
    assertEquals("Permission to acme/svc-a.git denied to x-access-token.\n", r.body());
  }

  @Test
  void bodiesOverTheLimitAre413() throws IOException {
    int limit = 1024;
    String token = mintToken(ACME, WRITE_SVC_A);
    try (GitHttpHost small = startHost(limit)) {
      HttpResponse<String> r =
          request(
              small,
              "POST",
              "/acme/svc-a.git/git-receive-pack",
              token,
              Map.of("Content-Type", "application/x-git-receive-pack-request"),
              new byte[limit + 1]);
      assertEquals(413, r.statusCode());
      assertEquals(413, small.requests().get(0).status());
    }
  }
}
