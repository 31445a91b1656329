package dev.agentbroker.testkit.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The org-admin calls Tier B verbs make, authenticated with an installation token and checked like
 * GitHub checks them: the token must be live, carry the permission ({@code Resource not accessible
 * by integration} otherwise) and reach the repository (404 otherwise). Content creation (new
 * repositories) is counted against GitHub's secondary limit of 80 per minute.
 */
final class AdminEndpoints {
  static final String NOT_ACCESSIBLE = Messages.NOT_ACCESSIBLE;
  private static final Pattern REPO_NAME = Pattern.compile("^[A-Za-z0-9._-]{1,100}$");
  private static final Pattern TOPIC = Pattern.compile("^[a-z0-9][a-z0-9-]{0,49}$");
  private static final Set<String> TEAM_PERMISSIONS =
      Set.of("pull", "triage", "push", "maintain", "admin");

  private final SimulatorState state;
  private final InstallationAuth auth;
  private final AdminState admin;
  private final GitHubJson json;
  private final ContentCreationLimit creationLimit;
  private final ProtectionEndpoints protection;

  AdminEndpoints(SimulatorState state, AdminState admin, GitHubJson json) {
    this.state = state;
    this.auth = new InstallationAuth(state);
    this.admin = admin;
    this.json = json;
    this.creationLimit = new ContentCreationLimit(state.clock);
    this.protection = new ProtectionEndpoints(state, admin);
  }

  /** Handles the request if it is an admin endpoint; returns null otherwise. */
  ApiResponse handle(ApiRequest req) {
    ApiResponse branchProtection = protection.handle(req);
    if (branchProtection != null) {
      return branchProtection;
    }
    if (req.matches("POST", "orgs", "*", "repos")) {
      IssuedToken t = token(req, "administration", "write");
      return createRepo(req, t, req.segment(1), null);
    }
    if (req.matches("POST", "repos", "*", "*", "generate")) {
      IssuedToken t = token(req, "administration", "write");
      Installation inst = reach(t, req.segment(1), req.segment(2));
      if (!admin.templates.contains(AdminState.key(inst.account(), req.segment(2)))) {
        throw unprocessable("Repository is not a template repository.");
      }
      JsonNode body = RequestBodies.object(req);
      return createRepo(req, t, body.path("owner").asText(req.segment(1)), body);
    }
    if (req.matches("PATCH", "repos", "*", "*")) {
      IssuedToken t = token(req, "administration", "write");
      reach(t, req.segment(1), req.segment(2));
      JsonNode b = RequestBodies.object(req);
      SimulatedRepo r = admin.repo(req.segment(1), req.segment(2));
      SimulatedRepo n =
          new SimulatedRepo(
              r.owner(),
              r.name(),
              b.has("description") ? b.get("description").asText() : r.description(),
              b.has("homepage") ? b.get("homepage").asText() : r.homepage(),
              r.visibility(),
              r.topics());
      admin.put(n);
      return ApiResponse.json(200, GitHubJson.bytes(repoJson(n, 0)));
    }
    if (req.matches("PUT", "repos", "*", "*", "topics")) {
      IssuedToken t = token(req, "administration", "write");
      reach(t, req.segment(1), req.segment(2));
      JsonNode names = RequestBodies.object(req).get("names");
      if (names == null || !names.isArray()) {
        throw unprocessable("Invalid request.\n\n\"names\" wasn't supplied.");
      }
      List<String> topics = new ArrayList<>();
      for (JsonNode n : names) {
        if (!n.isTextual() || !TOPIC.matcher(n.asText()).matches()) {
          throw unprocessable("Invalid topic: " + n.asText());
        }
        topics.add(n.asText());
      }
      SimulatedRepo r = admin.repo(req.segment(1), req.segment(2));
      admin.put(
          new SimulatedRepo(
              r.owner(), r.name(), r.description(), r.homepage(), r.visibility(), topics));
      ObjectNode out = GitHubJson.MAPPER.createObjectNode();
      ArrayNode arr = out.putArray("names");
      topics.forEach(arr::add);
      return ApiResponse.json(200, GitHubJson.bytes(out));
    }
    if (req.matches("PUT", "orgs", "*", "teams", "*", "repos", "*", "*")) {
      IssuedToken t = token(req, "administration", "write");
      requirePermission(t, "members", "read");
      reach(t, req.segment(5), req.segment(6));
      if (!admin.teamExists(req.segment(1), req.segment(3))) {
        throw ApiException.notFound();
      }
      String permission = RequestBodies.object(req).path("permission").asText("push");
      if (!TEAM_PERMISSIONS.contains(permission)) {
        throw unprocessable("Invalid request.\n\nPermission must be one of " + TEAM_PERMISSIONS);
      }
      admin.teamAccess.put(
          req.segment(1)
              + "/"
              + req.segment(3)
              + "->"
              + AdminState.key(req.segment(5), req.segment(6)),
          permission);
      return ApiResponse.noContent();
    }
    return null;
  }

  private ApiResponse createRepo(ApiRequest req, IssuedToken t, String org, JsonNode bodyOrNull) {
    Installation inst = state.installation(t.installationId());
    if (inst == null || !inst.account().equalsIgnoreCase(org)) {
      throw ApiException.notFound();
    }
    JsonNode b = bodyOrNull != null ? bodyOrNull : RequestBodies.object(req);
    String name = b.path("name").asText("");
    if (!REPO_NAME.matcher(name).matches()) {
      throw unprocessable("Repository creation failed.");
    }
    if (SimulatorState.repoByName(inst, name) != null) {
      throw new ApiException(
              422,
              "Repository creation failed.",
              "https://docs.github.com/rest/repos/repos#create-an-organization-repository")
          .header("x-simulator-error", "name already exists on this account");
    }
    String visibility =
        b.path("visibility").asText(b.path("private").asBoolean(false) ? "private" : "public");
    if (!Set.of("public", "private", "internal").contains(visibility)) {
      throw unprocessable(
          "Invalid request.\n\nvisibility is not a member of [public, private, internal]");
    }
    creationLimit.spend();
    Repo repo = state.addRepository(inst.id(), name, !"public".equals(visibility));
    SimulatedRepo r =
        new SimulatedRepo(
            inst.account(), name, b.path("description").asText(null), null, visibility, List.of());
    admin.put(r);
    return ApiResponse.json(201, GitHubJson.bytes(repoJson(r, repo.id())))
        .header("location", "/repos/" + inst.account() + "/" + name);
  }

  private ObjectNode repoJson(SimulatedRepo r, long id) {
    ObjectNode n = GitHubJson.MAPPER.createObjectNode();
    n.put("id", id);
    n.put("name", r.name());
    n.put("full_name", r.owner() + "/" + r.name());
    n.put("private", !"public".equals(r.visibility()));
    n.put("visibility", r.visibility());
    n.put("default_branch", "main");
    n.put("description", r.description());
    n.put("homepage", r.homepage());
    return n;
  }

  /**
   * The shared installation-token checks; the admin endpoints check the permission before the
   * repository's reach (GitHub's order for these calls, as the existing tests pin it).
   */
  private IssuedToken token(ApiRequest req, String permission, String level) {
    IssuedToken t = auth.authenticate(req);
    InstallationAuth.require(t, permission, level);
    return t;
  }

  private static void requirePermission(IssuedToken t, String permission, String level) {
    InstallationAuth.require(t, permission, level);
  }

  /** The installation, if the token reaches {@code owner/repo}; GitHub answers 404 otherwise. */
  private Installation reach(IssuedToken t, String owner, String repo) {
    return auth.reach(t, owner, repo).installation();
  }

  private static ApiException unprocessable(String message) {
    return new ApiException(422, message);
  }

  Map<String, String> teamAccess() {
    return admin.teamAccess;
  }
}
