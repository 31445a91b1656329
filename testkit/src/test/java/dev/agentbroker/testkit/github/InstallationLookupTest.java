package dev.agentbroker.testkit.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class InstallationLookupTest extends SimulatorHarness {

  private HttpResponse<String> lookup(String path) {
    return get(path, "Bearer " + appJwt());
  }

  @Test
  void orgInstallationHasGitHubShape() {
    HttpResponse<String> r = lookup("/orgs/acme/installation");
    assertEquals(200, r.statusCode(), r.body());
    JsonNode i = json(r);
    assertEquals(ACME, i.get("id").asLong());
    assertEquals("acme", i.get("account").get("login").asText());
    assertEquals("Organization", i.get("account").get("type").asText());
    assertTrue(i.get("account").get("id").asLong() > 0);
    assertEquals(424242, i.get("app_id").asLong());
    assertEquals("Organization", i.get("target_type").asText());
    assertEquals("all", i.get("repository_selection").asText());
    assertEquals("write", i.get("permissions").get("contents").asText());
    assertEquals("read", i.get("permissions").get("metadata").asText());
    assertTrue(i.get("suspended_at").isNull());
    assertTrue(
        i.get("access_tokens_url")
            .asText()
            .endsWith("/app/installations/" + ACME + "/access_tokens"));
  }

  @Test
  void orgEndpointDoesNotFindUsers() {
    HttpResponse<String> r = lookup("/orgs/octocat/installation");
    assertEquals(404, r.statusCode());
    assertEquals("Not Found", message(r));
  }

  @Test
  void usersEndpointFindsUsersAndOrgs() {
    HttpResponse<String> user = lookup("/users/octocat/installation");
    assertEquals(200, user.statusCode());
    assertEquals("User", json(user).get("account").get("type").asText());
    assertEquals("selected", json(user).get("repository_selection").asText());
    assertEquals(200, lookup("/users/acme/installation").statusCode());
    assertEquals(404, lookup("/users/nobody/installation").statusCode());
  }

  @Test
  void repoLookupIsCaseInsensitive() {
    HttpResponse<String> r = lookup("/repos/ACME/Svc-A/installation");
    assertEquals(200, r.statusCode());
    assertEquals(ACME, json(r).get("id").asLong());
    assertEquals(
        OCTOCAT, json(lookup("/repos/octocat/hello-world/installation")).get("id").asLong());
  }

  @Test
  void unknownRepoOrOwnerIs404() {
    assertEquals(404, lookup("/repos/acme/missing/installation").statusCode());
    assertEquals(404, lookup("/repos/ghost/svc-a/installation").statusCode());
    assertEquals(404, lookup("/orgs/ghost/installation").statusCode());
  }

  @Test
  void lookupsRequireAValidJwt() {
    assertEquals(401, get("/orgs/acme/installation", "Bearer x.y.z").statusCode());
    assertEquals(401, get("/orgs/acme/installation", null).statusCode());
  }

  @Test
  void suspendedInstallationStillResolvesWithSuspendedAt() {
    sim.suspend(ACME);
    JsonNode i = json(lookup("/orgs/acme/installation"));
    assertEquals(T0.toString(), i.get("suspended_at").asText());
    sim.unsuspend(ACME);
    assertTrue(json(lookup("/orgs/acme/installation")).get("suspended_at").isNull());
  }

  @Test
  void uninstalledInstallationDisappears() {
    sim.uninstall(ACME);
    assertEquals(404, lookup("/orgs/acme/installation").statusCode());
    assertEquals(404, lookup("/app/installations/" + ACME).statusCode());
    assertEquals(1, json(lookup("/app/installations")).size());
  }
}
