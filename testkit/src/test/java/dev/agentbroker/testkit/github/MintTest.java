package dev.agentbroker.testkit.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MintTest extends SimulatorHarness {

  private static final String REPO_MSG =
      "There is at least one repository that does not exist or is not accessible to the parent"
          + " installation.";
  private static final String PERM_MSG =
      "The permissions requested are not granted to this installation.";

  @Test
  void scopedMintReturnsGitHubShape() {
    HttpResponse<String> r =
        mint(
            ACME,
            "{\"repositories\":[\"svc-a\",\"SVC-B\"],\"permissions\":{\"contents\":\"read\","
                + "\"pull_requests\":\"write\"}}");
    assertEquals(201, r.statusCode(), r.body());
    JsonNode b = json(r);
    String token = b.get("token").asText();
    assertTrue(token.startsWith("ghs_" + SimulatorFixture.DEMO_APP_ID + "_"), "stateless default");
    assertEquals("2025-06-01T13:00:00Z", b.get("expires_at").asText());
    assertEquals(
        Map.of("contents", "read", "pull_requests", "write"),
        JSON.convertValue(b.get("permissions"), Map.class));
    assertEquals("selected", b.get("repository_selection").asText());
    assertEquals(2, b.get("repositories").size());
    assertEquals("acme/svc-a", b.get("repositories").get(0).get("full_name").asText());
    assertEquals(700_002L, b.get("repositories").get(1).get("id").asLong());
    assertTrue(b.get("repositories").get(0).get("private").asBoolean());
    assertTrue(sim.isTokenActive(token));

    MintRequest m = sim.mintRequests().get(0);
    assertEquals(ACME, m.installationId());
    assertTrue(m.hadBody());
    assertEquals(List.of("svc-a", "SVC-B"), m.repositories());
    assertNull(m.repositoryIds());
    assertEquals(201, m.status());
    assertFalse(m.widening());
  }

  @Test
  void bodylessMintGetsEverythingAndIsWidening() {
    HttpResponse<String> r = mint(ACME, null);
    assertEquals(201, r.statusCode(), r.body());
    JsonNode b = json(r);
    assertEquals("all", b.get("repository_selection").asText());
    assertEquals(9, b.get("permissions").size());
    assertNull(b.get("repositories"));
    MintRequest m = sim.mintRequests().get(0);
    assertFalse(m.hadBody());
    assertNull(m.repositories());
    assertNull(m.permissions());
    assertTrue(m.widening());
  }

  @Test
  void reposWithoutPermissionsIsStillWidening() {
    assertEquals(201, mint(ACME, "{\"repository_ids\":[700001]}").statusCode());
    MintRequest m = sim.mintRequests().get(0);
    assertEquals(List.of(700_001L), m.repositoryIds());
    assertTrue(m.widening());
  }

  @Test
  void unknownRepositoryIs422() {
    HttpResponse<String> r =
        mint(
            ACME,
            "{\"repositories\":[\"svc-a\",\"nope\"],\"permissions\":{\"contents\":\"read\"}}");
    assertEquals(422, r.statusCode());
    assertEquals(REPO_MSG, message(r));
    assertEquals(422, sim.mintRequests().get(0).status());
    assertEquals(0, sim.issuedTokenCount());
  }

  @Test
  void fullNameIsNotABareName() {
    HttpResponse<String> r = mint(ACME, "{\"repositories\":[\"acme/svc-a\"]}");
    assertEquals(422, r.statusCode());
    assertEquals(REPO_MSG, message(r));
  }

  @Test
  void repoOfAnotherInstallationIs422() {
    assertEquals(REPO_MSG, message(mint(ACME, "{\"repositories\":[\"hello-world\"]}")));
    assertEquals(REPO_MSG, message(mint(ACME, "{\"repository_ids\":[700101]}")));
  }

  @Test
  void permissionAboveGrantIs422() {
    HttpResponse<String> r = mint(ACME, "{\"permissions\":{\"members\":\"write\"}}");
    assertEquals(422, r.statusCode());
    assertEquals(PERM_MSG, message(r));
  }

  @Test
  void permissionNotGrantedUnknownOrInvalidLevelIs422() {
    assertEquals(PERM_MSG, message(mint(ACME, "{\"permissions\":{\"secrets\":\"read\"}}")));
    assertEquals(PERM_MSG, message(mint(ACME, "{\"permissions\":{\"bogus\":\"read\"}}")));
    assertEquals(PERM_MSG, message(mint(ACME, "{\"permissions\":{\"metadata\":\"write\"}}")));
    assertEquals(PERM_MSG, message(mint(ACME, "{\"permissions\":{\"contents\":\"delete\"}}")));
    assertEquals(PERM_MSG, message(mint(OCTOCAT, "{\"permissions\":{\"issues\":\"read\"}}")));
  }

  @Test
  void downscopedPermissionIsGranted() {
    HttpResponse<String> r = mint(ACME, "{\"permissions\":{\"administration\":\"read\"}}");
    assertEquals(201, r.statusCode());
    assertEquals("read", json(r).get("permissions").get("administration").asText());
  }

  @Test
  void moreThan500RepositoriesIs422() {
    String names =
        IntStream.range(0, 501).mapToObj(i -> "\"r" + i + "\"").collect(Collectors.joining(","));
    HttpResponse<String> r = mint(ACME, "{\"repositories\":[" + names + "]}");
    assertEquals(422, r.statusCode());
    assertTrue(message(r).startsWith("Invalid request."), message(r));
    assertEquals(501, sim.mintRequests().get(0).repositories().size());
  }

  @Test
  void malformedJsonIs400() {
    HttpResponse<String> r = mint(ACME, "{\"repositories\":[");
    assertEquals(400, r.statusCode());
    assertEquals("Problems parsing JSON", message(r));
    MintRequest m = sim.mintRequests().get(0);
    assertTrue(m.hadBody());
    assertEquals(400, m.status());
  }

  @Test
  void wrongFieldTypesAre422() {
    HttpResponse<String> r = mint(ACME, "{\"repositories\":\"svc-a\"}");
    assertEquals(422, r.statusCode());
    assertTrue(message(r).contains("is not an array"), message(r));
    assertEquals(422, mint(ACME, "{\"permissions\":[\"contents\"]}").statusCode());
  }

  @Test
  void suspendedInstallationIs403() {
    sim.suspend(ACME);
    HttpResponse<String> r = mint(ACME, null);
    assertEquals(403, r.statusCode());
    assertEquals("This installation has been suspended", message(r));
    assertTrue(
        json(r).get("documentation_url").asText().contains("create-an-installation-access-token"));
    sim.unsuspend(ACME);
    assertEquals(201, mint(ACME, null).statusCode());
  }

  @Test
  void unknownOrUninstalledInstallationIs404() {
    assertEquals(404, mint(999, null).statusCode());
    assertEquals("Not Found", message(mint(999, null)));
    assertEquals(404, mint(-5, null).statusCode());
    sim.uninstall(OCTOCAT);
    assertEquals(404, mint(OCTOCAT, null).statusCode());
  }

  @Test
  void mintWithBadJwtIsRecordedAsRejected() {
    HttpResponse<String> r =
        send("POST", "/app/installations/" + ACME + "/access_tokens", "Bearer a.b.c", "{}");
    assertEquals(401, r.statusCode());
    assertEquals(401, sim.mintRequests().get(0).status());
    assertEquals(0, sim.issuedTokenCount());
  }

  @Test
  void selectedInstallationWithoutReposReportsSelected() {
    HttpResponse<String> r = mint(OCTOCAT, "{\"permissions\":{\"contents\":\"read\"}}");
    assertEquals("selected", json(r).get("repository_selection").asText());
  }
}
