package dev.agentbroker.testkit.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GitRouteTest {

  @ParameterizedTest(name = "{0} {1}?{2}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      textBlock =
          """
          # method | path                                | query                   | fullName         | service          | advertisement | PATH_INFO
          GET      | /acme/svc-a.git/info/refs           | service=git-upload-pack  | acme/svc-a       | git-upload-pack  | true  | /acme/svc-a.git/info/refs
          GET      | /acme/svc-a/info/refs               | service=git-receive-pack | acme/svc-a       | git-receive-pack | true  | /acme/svc-a.git/info/refs
          POST     | /acme/svc-a.git/git-upload-pack     | -                        | acme/svc-a       | git-upload-pack  | false | /acme/svc-a.git/git-upload-pack
          POST     | /acme/svc-a/git-receive-pack        | -                        | acme/svc-a       | git-receive-pack | false | /acme/svc-a.git/git-receive-pack
          GET      | /Octo-Cat/Hello.World.git/info/refs | service=git-upload-pack  | Octo-Cat/Hello.World | git-upload-pack | true | /acme/svc-a.git/info/refs
          GET      | /acme/svc-a.git.git/info/refs       | x=1&service=git-upload-pack | acme/svc-a.git | git-upload-pack | true | /acme/svc-a.git/info/refs
          """)
  void routes(
      String method,
      String path,
      String query,
      String fullName,
      String service,
      boolean advertisement,
      String pathInfo) {
    GitRoute r = GitRoute.parse(method, path, query);
    assertEquals(fullName, r.fullName());
    assertEquals(service, r.service());
    assertEquals(advertisement, r.advertisement());
    assertEquals(service.equals("git-receive-pack"), r.push());
    // PATH_INFO always names the canonical hosted repository, whatever case the URL used.
    assertEquals(pathInfo, r.pathInfo("acme/svc-a"));
    assertEquals(advertisement ? "service=" + service : "", r.queryString());
  }

  @ParameterizedTest(name = "{0} {1}?{2}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      textBlock =
          """
          GET  | /                                        | -
          GET  | /acme/svc-a.git/HEAD                     | -
          GET  | /acme/svc-a.git/objects/info/packs       | -
          GET  | /acme/svc-a.git/info/refs                | -
          GET  | /acme/svc-a.git/info/refs                | service=git-upload-archive
          GET  | /acme/svc-a.git/info/refs                | service=git-upload-pack&service=git-receive-pack
          HEAD | /acme/svc-a.git/info/refs                | service=git-upload-pack
          POST | /acme/svc-a.git/info/refs                | service=git-upload-pack
          GET  | /acme/svc-a.git/git-upload-pack          | -
          PUT  | /acme/svc-a.git/git-receive-pack         | -
          GET  | /acme/../info/refs                       | service=git-upload-pack
          GET  | /acme/.git/info/refs                     | service=git-upload-pack
          GET  | /acme%2Fsvc-a.git/info/refs              | service=git-upload-pack
          GET  | /-acme/svc-a.git/info/refs               | service=git-upload-pack
          GET  | /acme/svc a.git/info/refs                | service=git-upload-pack
          GET  | //svc-a.git/info/refs                    | service=git-upload-pack
          GET  | /acme/svc-a/extra.git/info/refs          | service=git-upload-pack
          GET  | /acme/svc-a.git/info/refs/               | service=git-upload-pack
          """)
  void notRoutes(String method, String path, String query) {
    assertNull(GitRoute.parse(method, path, query));
  }
}
