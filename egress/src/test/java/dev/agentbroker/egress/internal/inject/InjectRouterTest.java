package dev.agentbroker.egress.internal.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.agentbroker.egress.internal.inject.InjectRouter.Verdict;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The routing decision, as a table: host, method, target → reason, repository, template,
 * credential.
 */
class InjectRouterTest {
  private static final Grant WRITE =
      new Grant("acme", List.of("svc-a"), Map.of("contents", "write", "pull_requests", "write"));
  private static final Grant READ = new Grant("acme", List.of("svc-a"), Map.of("contents", "read"));

  @ParameterizedTest(name = "{0} {1} {2} → {3}")
  @CsvSource(
      delimiter = '|',
      value = {
        // git smart HTTP on github.com
        "github.com | GET  | /acme/svc-a.git/info/refs?service=git-upload-pack | allowed | acme/svc-a | /{owner}/{repo}/info/refs?service=git-upload-pack | BASIC",
        "github.com | GET  | /acme/svc-a/info/refs?service=git-receive-pack | allowed | acme/svc-a | /{owner}/{repo}/info/refs?service=git-receive-pack | BASIC",
        "github.com | POST | /acme/svc-a.git/git-upload-pack | allowed | acme/svc-a | /{owner}/{repo}/git-upload-pack | BASIC",
        "github.com | POST | /ACME/SVC-A.git/git-receive-pack | allowed | acme/svc-a | /{owner}/{repo}/git-receive-pack | BASIC",
        "github.com | POST | /acme/svc-b.git/git-receive-pack | cross_repository | - | /{owner}/{repo}/git-receive-pack | NONE",
        "github.com | POST | /other/svc-a.git/git-upload-pack | cross_repository | - | /{owner}/{repo}/git-upload-pack | NONE",
        "github.com | GET  | /acme/svc-a.git/info/refs | endpoint_not_allowed | acme/svc-a | /{owner}/{repo}/info/refs?service=* | NONE",
        "github.com | GET  | /acme/svc-a.git/HEAD | endpoint_not_allowed | acme/svc-a | /{owner}/{repo}/* | NONE",
        "github.com | GET  | /acme/svc-a.git/git-upload-pack | endpoint_not_allowed | acme/svc-a | /{owner}/{repo}/* | NONE",
        "github.com | GET  | /login | endpoint_not_allowed | - | /* | NONE",
        "github.com | GET  | /acme/../svc-b.git/info/refs?service=git-upload-pack | bad_path | - | - | NONE",
        "github.com | GET  | /acme/svc-a%2f..%2fsvc-b.git/info/refs?service=git-upload-pack | bad_path | - | - | NONE",
        "github.com | GET  | /acme//svc-a.git/info/refs?service=git-upload-pack | bad_path | - | - | NONE",
        "github.com | GET  | /acme/.git/info/refs?service=git-upload-pack | bad_path | - | /{owner}/{repo}/info/refs?service=git-upload-pack | NONE",
        "github.com | GET  | /acme\\svc-a/info/refs?service=git-upload-pack | bad_path | - | - | NONE",
        // REST API
        "api.github.com | GET    | /repos/acme/svc-a | allowed | acme/svc-a | /repos/{owner}/{repo} | BEARER",
        "api.github.com | GET    | /repos/acme/svc-a/pulls/12/files?page=2 | allowed | acme/svc-a | /repos/{owner}/{repo}/pulls/* | BEARER",
        "api.github.com | POST   | /repos/acme/svc-a/pulls | allowed | acme/svc-a | /repos/{owner}/{repo}/pulls | BEARER",
        "api.github.com | PATCH  | /repos/acme/svc-a/issues/3 | allowed | acme/svc-a | /repos/{owner}/{repo}/issues/* | BEARER",
        "api.github.com | PUT    | /repos/acme/svc-a/contents/README.md | allowed | acme/svc-a | /repos/{owner}/{repo}/contents/* | BEARER",
        "api.github.com | GET    | /repos/acme/svc-b | cross_repository | - | /repos/{owner}/{repo} | NONE",
        "api.github.com | DELETE | /repos/acme/svc-a | endpoint_not_allowed | acme/svc-a | /repos/{owner}/{repo} | NONE",
        "api.github.com | DELETE | /repos/acme/svc-a/git/refs/heads/main | endpoint_not_allowed | acme/svc-a | /repos/{owner}/{repo}/git/* | NONE",
        "api.github.com | PATCH  | /repos/acme/svc-a | endpoint_not_allowed | acme/svc-a | /repos/{owner}/{repo} | NONE",
        "api.github.com | POST   | /repos/acme/svc-a/hooks | endpoint_not_allowed | acme/svc-a | /repos/{owner}/{repo}/hooks | NONE",
        "api.github.com | GET    | /repos/acme/svc-a/keys | endpoint_not_allowed | acme/svc-a | /repos/{owner}/{repo}/keys | NONE",
        "api.github.com | PUT    | /repos/acme/svc-a/collaborators/mallory | endpoint_not_allowed | acme/svc-a | /repos/{owner}/{repo}/collaborators/* | NONE",
        "api.github.com | GET    | /repos/acme/svc-a/actions/secrets | endpoint_not_allowed | acme/svc-a | /repos/{owner}/{repo}/actions/* | NONE",
        "api.github.com | PUT    | /repos/acme/svc-a/branches/main/protection | endpoint_not_allowed | acme/svc-a | /repos/{owner}/{repo}/branches/* | NONE",
        "api.github.com | POST   | /repos/acme/svc-a/actions/workflows/x/dispatches | endpoint_not_allowed | acme/svc-a | /repos/{owner}/{repo}/actions/* | NONE",
        "api.github.com | GET    | /user | endpoint_not_allowed | - | /user | NONE",
        "api.github.com | GET    | /user/repos | endpoint_not_allowed | - | /user/* | NONE",
        "api.github.com | PATCH  | /orgs/acme | endpoint_not_allowed | - | /orgs/* | NONE",
        "api.github.com | POST   | /graphql | endpoint_not_allowed | - | /graphql | NONE",
        "api.github.com | GET    | /installation/repositories | endpoint_not_allowed | - | /installation/* | NONE",
        "api.github.com | DELETE | /installation/token | endpoint_not_allowed | - | /installation/* | NONE",
        "api.github.com | GET    | /rate_limit | allowed | - | /rate_limit | BEARER",
        "api.github.com | GET    | /repositories/700001 | endpoint_not_allowed | - | /repositories/* | NONE",
        // archives, raw, objects
        "codeload.github.com | GET | /acme/svc-a/tar.gz/refs/heads/main | allowed | acme/svc-a | /{owner}/{repo}/tar.gz/* | BEARER",
        "codeload.github.com | GET | /acme/svc-b/zip/main | cross_repository | - | /{owner}/{repo}/zip/* | NONE",
        "codeload.github.com | POST | /acme/svc-a/zip/main | endpoint_not_allowed | acme/svc-a | /{owner}/{repo}/*/* | NONE",
        "raw.githubusercontent.com | GET | /acme/svc-a/main/README.md | allowed | acme/svc-a | /{owner}/{repo}/* | BEARER",
        "raw.githubusercontent.com | GET | /acme/svc-b/main/README.md | cross_repository | - | /{owner}/{repo}/* | NONE",
        "objects.githubusercontent.com | GET | /github-production-release-asset/1/2?X-Amz-Signature=x | allowed_no_credential | - | /* | NONE",
        "objects.githubusercontent.com | PUT | /x | endpoint_not_allowed | - | /* | NONE",
      })
  void table(
      String host,
      String method,
      String target,
      String reason,
      String repo,
      String template,
      String credential) {
    Verdict v = InjectRouter.decide(host, method, target, WRITE);
    assertEquals(reason, v.reason(), "reason");
    assertEquals(repo, v.repository(), "repository");
    assertEquals(template, v.template(), "template");
    assertEquals(credential, v.credential().name(), "credential");
    assertEquals(
        reason.startsWith("allowed") ? 0 : reason.equals("bad_path") ? 400 : 403, v.status());
  }

  @ParameterizedTest
  @CsvSource({
    "GET,/acme/svc-a/info/refs?service=git-receive-pack",
    "POST,/acme/svc-a/git-receive-pack"
  })
  void pushNeedsContentsWriteInTheGrant(String method, String target) {
    assertEquals(
        "permission_not_granted", InjectRouter.decide("github.com", method, target, READ).reason());
    assertEquals(
        "allowed",
        InjectRouter.decide("github.com", "POST", "/acme/svc-a/git-upload-pack", READ).reason());
  }

  @ParameterizedTest
  @CsvSource({"github.com,/acme/svc-a/git-upload-pack", "api.github.com,/repos/acme/svc-a"})
  void withoutARunNothingIsForwarded(String host, String target) {
    Verdict v = InjectRouter.decide(host, "GET", target, null);
    assertEquals("no_run", v.reason());
    assertEquals(403, v.status());
  }

  @ParameterizedTest
  @CsvSource({"/a/b,2", "/a/b/,2", "/,0"})
  void segments(String path, int count) {
    assertEquals(count, InjectRouter.segments(path).size());
  }

  @ParameterizedTest
  @CsvSource({"a/b", "/a/./b", "/a/../b", "/a//b", "/a/%2e%2e/b", "//a"})
  void ambiguousPathsAreRejected(String path) {
    assertNull(InjectRouter.segments(path));
  }
}
