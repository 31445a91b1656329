package dev.agentbroker.testkit.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.BindException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The host driven by the real git CLI: what works with a good token. */
class GitHttpHostTest extends GitHostHarness {

  @Test
  void lsRemoteWithReadTokenShowsMain() {
    String token = mintToken(ACME, READ_SVC_A);
    GitRun run = requireOk(git(tmp, token, "ls-remote", host.repoUrl("acme/svc-a")));
    String main = host.ref("acme/svc-a", "refs/heads/main");
    assertNotNull(main);
    assertTrue(run.stdout().contains(main + "\trefs/heads/main"), run.stdout());

    // git first asks anonymously, gets the Basic challenge, then retries with the helper's token;
    // with protocol v2 (Git-Protocol header passed through as GIT_PROTOCOL) the refs come from a
    // POST ls-refs command rather than from the advertisement.
    List<GitRequest> reqs = host.requests();
    assertEquals(List.of(401, 200, 200), statuses());
    assertNull(reqs.get(0).tokenSha256());
    assertEquals(GitHttpHost.tokenFingerprint(token), reqs.get(1).tokenSha256());
    assertEquals(GitRequest.Kind.FETCH, reqs.get(1).kind());
    assertEquals("/acme/svc-a.git/info/refs", reqs.get(1).path());
    assertEquals("service=git-upload-pack", reqs.get(1).query());
    assertEquals(
        "POST /acme/svc-a.git/git-upload-pack", reqs.get(2).method() + " " + reqs.get(2).path());
  }

  @Test
  void initialCommitIsDeterministic() throws IOException {
    Path other = tmp.resolve("other-root");
    try (GitHttpHost second = GitHttpHost.start(sim, other, List.of("acme/svc-a"))) {
      assertEquals(
          host.ref("acme/svc-a", "refs/heads/main"), second.ref("acme/svc-a", "refs/heads/main"));
    }
    assertNotEquals(host.ref("acme/svc-a", "main"), host.ref("acme/svc-b", "main"));
    assertNull(host.ref("acme/svc-a", "refs/heads/nope"));
    assertTrue(Files.isRegularFile(tmp.resolve("repos/acme/svc-a.git/HEAD")));
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"svc-a", "acme/svc-a.git", "acme/..", "-acme/svc-a", "a/b/c", "acme/"})
  void startRejectsNamesThatAreNotOwnerSlashName(String name) {
    Path dir = tmp.resolve("bad");
    assertThrows(IllegalArgumentException.class, () -> GitHttpHost.start(sim, dir, List.of(name)));
  }

  @Test
  void startFailsCleanlyOnAPortInUse() {
    Path dir = tmp.resolve("busy");
    assertThrows(
        BindException.class, () -> GitHttpHost.start(sim, dir, List.of("acme/svc-a"), host.port()));
    assertThrows(IllegalArgumentException.class, () -> host.ref("acme/svc-c", "main"));
    assertThrows(IllegalArgumentException.class, () -> host.repoUrl("acme/svc-c"));
    assertEquals(
        "https://localhost:" + host.port() + "/acme/svc-a.git", host.repoUrl("ACME/svc-a"));
  }

  @Test
  void cloneChecksOutTheInitialCommit() throws IOException {
    String token = mintToken(ACME, READ_SVC_A);
    requireOk(git(tmp, token, "clone", "--quiet", host.repoUrl("acme/svc-a"), "svc-a"));
    String readme = Files.readString(tmp.resolve("svc-a/README.md"));
    assertTrue(readme.startsWith("# acme/svc-a"), readme);
    assertTrue(host.requests().stream().anyMatch(r -> r.path().endsWith("/git-upload-pack")));
  }

  @Test
  void urlShapesWithoutSuffixAndInOtherCase() {
    String token = mintToken(ACME, READ_SVC_A);
    String main = host.ref("acme/svc-a", "main");
    for (String path : List.of("/acme/svc-a", "/ACME/Svc-A.git", "/Acme/svc-a")) {
      GitRun run = requireOk(git(tmp, token, "ls-remote", host.baseUri() + path));
      assertTrue(run.stdout().contains(main), path + ": " + run.stdout());
    }
  }

  @Test
  void pushWithWriteTokenUpdatesTheRef() throws IOException {
    String token = mintToken(ACME, WRITE_SVC_A);
    requireOk(git(tmp, token, "clone", "--quiet", host.repoUrl("acme/svc-a"), "svc-a"));
    Path work = tmp.resolve("svc-a");
    Files.writeString(work.resolve("change.txt"), "made by an agent\n");
    requireOk(git(work, token, "add", "change.txt"));
    requireOk(git(work, token, "commit", "--quiet", "-m", "agent change"));
    String local = requireOk(git(work, null, "rev-parse", "HEAD")).stdout().strip();
    assertNotEquals(local, host.ref("acme/svc-a", "refs/heads/main"));

    requireOk(git(work, token, "push", "--quiet", "origin", "main"));
    assertEquals(local, host.ref("acme/svc-a", "refs/heads/main"));
    requireOk(git(work, token, "push", "--quiet", "origin", "main:refs/heads/feature"));
    assertEquals(local, host.ref("acme/svc-a", "feature"));
    assertTrue(
        host.requests().stream()
            .anyMatch(
                r ->
                    r.kind() == GitRequest.Kind.PUSH
                        && r.method().equals("POST")
                        && r.status() == 200));
  }

  @Test
  void largeChunkedPushIsStoredIntact() throws IOException {
    // Incompressible data well above git's minimum post buffer (64 KiB, whatever is configured),
    // so remote-curl streams the pack with Transfer-Encoding: chunked and no Content-Length.
    byte[] blob = new byte[400 * 1024];
    new Random(42).nextBytes(blob);
    Path work = localRepo("big", Map.of("blob.bin", blob));
    String token = mintToken(ACME, WRITE_SVC_A);
    GitRun run =
        requireOk(
            git(
                work,
                token,
                Map.of("GIT_TRACE_CURL", "1", "GIT_TRACE_CURL_NO_DATA", "1"),
                "-c",
                "http.postBuffer=1024",
                "push",
                host.repoUrl("acme/svc-a"),
                "main:refs/heads/big"));
    assertTrue(
        run.stderr().toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked"),
        "git did not send the pack chunked");
    String local = requireOk(git(work, null, "rev-parse", "HEAD")).stdout().strip();
    assertEquals(local, host.ref("acme/svc-a", "refs/heads/big"));

    // Read it back through the host: the object survived the trip byte for byte.
    requireOk(git(tmp, token, "clone", "--quiet", "-b", "big", host.repoUrl("acme/svc-a"), "back"));
    assertTrue(Arrays.equals(blob, Files.readAllBytes(tmp.resolve("back/blob.bin"))));
    assertFalse(run.stderr().contains(token), "git trace must redact the Authorization header");
  }

  /**
   * A protocol v2 {@code ls-refs} command posted by hand, plain and gzipped: proves the host hands
   * {@code Git-Protocol} to the backend as {@code GIT_PROTOCOL} and {@code Content-Encoding} as
   * {@code HTTP_CONTENT_ENCODING} (git gzips large upload-pack requests).
   */
  @ParameterizedTest(name = "gzip={0}")
  @ValueSource(booleans = {false, true})
  void protocolV2LsRefsPostedByHand(boolean gzip) throws IOException {
    String token = mintToken(ACME, READ_SVC_A);
    byte[] body = "0014command=ls-refs\n00010000".getBytes(StandardCharsets.US_ASCII);
    Map<String, String> headers = new HashMap<>();
    headers.put("Content-Type", "application/x-git-upload-pack-request");
    headers.put("Git-Protocol", "version=2");
    if (gzip) {
      ByteArrayOutputStream z = new ByteArrayOutputStream();
      try (GZIPOutputStream out = new GZIPOutputStream(z)) {
        out.write(body);
      }
      body = z.toByteArray();
      headers.put("Content-Encoding", "gzip");
    }
    HttpResponse<String> r =
        request(host, "POST", "/acme/svc-a.git/git-upload-pack", token, headers, body);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(
        "application/x-git-upload-pack-result", r.headers().firstValue("Content-Type").orElse(""));
    String main = host.ref("acme/svc-a", "main");
    assertTrue(r.body().contains(main + " refs/heads/main"), r.body());
  }

  @Test
  void tokenIsNeverRecorded() throws IOException {
    String token = mintToken(ACME, WRITE_SVC_A);
    Path work = localRepo("small", Map.of("a.txt", "a\n".getBytes(StandardCharsets.UTF_8)));
    requireOk(git(work, token, "push", "--quiet", host.repoUrl("acme/svc-a"), "main:refs/heads/x"));
    assertFalse(host.requests().toString().contains(token));
    assertFalse(Files.readString(host.backendLog()).contains(token));
    String tree = String.join("\n", Files.readAllLines(tmp.resolve("repos/acme/svc-a.git/config")));
    assertFalse(tree.contains(token));
  }
}
