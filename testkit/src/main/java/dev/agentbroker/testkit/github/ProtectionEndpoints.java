package dev.agentbroker.testkit.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;

/**
 * {@code GET} and {@code PUT /repos/{owner}/{repo}/branches/{branch}/protection} as GitHub has
 * them: the branch may span path segments; an unknown branch is 404 "Branch not found", an
 * unprotected one answers GET with 404 "Branch not protected"; PUT requires all four of {@code
 * required_status_checks}, {@code enforce_admins}, {@code required_pull_request_reviews} and {@code
 * restrictions} and <em>replaces</em> the whole setting (omitted optional flags become false;
 * {@code required_signatures} has its own endpoint and is kept); both answer in GET's shape ({@code
 * enforce_admins: {enabled}}, users as objects). Permission: administration read for GET, write for
 * PUT, checked before the repository's reach like the other admin endpoints.
 */
final class ProtectionEndpoints {
  static final String NOT_PROTECTED = "Branch not protected";
  static final String BRANCH_NOT_FOUND = "Branch not found";
  private static final List<String> REQUIRED =
      List.of(
          "required_status_checks",
          "enforce_admins",
          "required_pull_request_reviews",
          "restrictions");
  private static final List<String> FLAGS =
      List.of(
          "required_linear_history",
          "allow_force_pushes",
          "allow_deletions",
          "block_creations",
          "required_conversation_resolution",
          "lock_branch",
          "allow_fork_syncing");
  private static final Set<String> REVIEW_FLAGS =
      Set.of("dismiss_stale_reviews", "require_code_owner_reviews", "require_last_push_approval");

  private final InstallationAuth auth;
  private final AdminState admin;

  ProtectionEndpoints(SimulatorState state, AdminState admin) {
    this.auth = new InstallationAuth(state);
    this.admin = admin;
  }

  /** Handles the request if it is a branch-protection endpoint; returns null otherwise. */
  ApiResponse handle(ApiRequest req) {
    List<String> s = req.segments;
    boolean shape =
        s.size() >= 6
            && s.get(0).equals("repos")
            && s.get(3).equals("branches")
            && s.get(s.size() - 1).equals("protection");
    if (!shape || !(req.method.equals("GET") || req.method.equals("PUT"))) {
      return null;
    }
    IssuedToken t = auth.authenticate(req);
    InstallationAuth.require(t, "administration", req.method.equals("GET") ? "read" : "write");
    InstallationAuth.Target target = auth.reach(t, s.get(1), s.get(2));
    String branch = String.join("/", s.subList(4, s.size() - 1));
    if (!admin.branchExists(target.owner(), target.name(), branch)) {
      throw new ApiException(404, BRANCH_NOT_FOUND);
    }
    String key = AdminState.key(target.owner(), target.name()) + "#" + branch;
    if (req.method.equals("GET")) {
      JsonNode p = admin.protection.get(key);
      if (p == null) {
        throw new ApiException(404, NOT_PROTECTED);
      }
      return ApiResponse.json(200, GitHubJson.bytes(p));
    }
    ObjectNode stored = put(target.owner(), RequestBodies.object(req), admin.protection.get(key));
    admin.protection.put(key, stored);
    return ApiResponse.json(200, GitHubJson.bytes(stored));
  }

  /** Validates a PUT body and returns the new setting in GET's shape (replace semantics). */
  ObjectNode put(String org, JsonNode b, JsonNode previous) {
    if (b == null || !b.isObject()) {
      throw new ApiException(400, Messages.PROBLEMS_PARSING_JSON);
    }
    for (String k : REQUIRED) {
      if (!b.has(k)) {
        throw invalid("\"" + k + "\" wasn't supplied.");
      }
    }
    ObjectNode out = GitHubJson.MAPPER.createObjectNode();
    JsonNode checks = b.get("required_status_checks");
    if (!checks.isNull()) {
      if (!checks.has("strict") || !checks.has("contexts")) {
        throw invalid("\"strict\", \"contexts\" weren't supplied.");
      }
      out.set("required_status_checks", checks(checks));
    }
    JsonNode admins = b.get("enforce_admins");
    if (!admins.isNull() && !admins.isBoolean()) {
      throw invalid("enforce_admins is not a boolean.");
    }
    out.putObject("enforce_admins").put("enabled", admins.asBoolean(false));
    JsonNode reviews = b.get("required_pull_request_reviews");
    if (!reviews.isNull()) {
      out.set("required_pull_request_reviews", reviews(org, reviews));
    }
    JsonNode restrictions = b.get("restrictions");
    if (!restrictions.isNull()) {
      if (!restrictions.has("users") || !restrictions.has("teams")) {
        throw invalid("\"users\", \"teams\" weren't supplied.");
      }
      ObjectNode r = actors(org, restrictions);
      if (r.get("users").size() + r.get("teams").size() + r.get("apps").size() > 100) {
        throw invalid("The list of users, apps, and teams in total is limited to 100 items.");
      }
      out.set("restrictions", r);
    }
    for (String f : FLAGS) {
      JsonNode v = b.get(f);
      if (v != null && !v.isNull() && !v.isBoolean()) {
        throw invalid(f + " is not a boolean.");
      }
      out.putObject(f).put("enabled", v != null && v.asBoolean());
    }
    JsonNode signatures = previous == null ? null : previous.get("required_signatures");
    out.putObject("required_signatures")
        .put("enabled", signatures != null && signatures.path("enabled").asBoolean());
    return out;
  }

  private static ObjectNode checks(JsonNode c) {
    if (!c.get("strict").isBoolean() || !c.get("contexts").isArray()) {
      throw invalid("strict must be a boolean and contexts an array.");
    }
    ObjectNode out = GitHubJson.MAPPER.createObjectNode();
    out.put("strict", c.get("strict").asBoolean());
    ArrayNode contexts = out.putArray("contexts");
    ArrayNode list = out.putArray("checks");
    // "checks" supersedes the deprecated "contexts" when given.
    JsonNode source = c.has("checks") ? c.get("checks") : c.get("contexts");
    if (!source.isArray()) {
      throw invalid("checks is not an array.");
    }
    for (JsonNode x : source) {
      JsonNode name = x.isTextual() ? x : x.get("context");
      JsonNode app = x.isObject() ? x.get("app_id") : null;
      if (name == null || !name.isTextual() || (app != null && !app.isIntegralNumber())) {
        throw invalid("Invalid check.");
      }
      ObjectNode check = list.addObject().put("context", name.asText());
      if (app == null || app.asLong() == -1) {
        check.putNull("app_id");
      } else {
        check.put("app_id", app.asLong());
      }
      contexts.add(name.asText());
    }
    return out;
  }

  private ObjectNode reviews(String org, JsonNode r) {
    if (!r.isObject()) {
      throw invalid("required_pull_request_reviews is not an object.");
    }
    ObjectNode out = GitHubJson.MAPPER.createObjectNode();
    for (String f : REVIEW_FLAGS) {
      JsonNode v = r.get(f);
      if (v != null && !v.isNull() && !v.isBoolean()) {
        throw invalid(f + " is not a boolean.");
      }
      out.put(f, v != null && v.asBoolean());
    }
    JsonNode count = r.get("required_approving_review_count");
    if (count != null && (!count.isIntegralNumber() || count.asInt() < 0 || count.asInt() > 6)) {
      throw invalid("required_approving_review_count must be between 0 and 6.");
    }
    out.put("required_approving_review_count", count == null ? 0 : count.asInt());
    for (String k : List.of("dismissal_restrictions", "bypass_pull_request_allowances")) {
      JsonNode a = r.get(k);
      if (a != null && !a.isNull()) {
        out.set(k, actors(org, a));
      }
    }
    return out;
  }

  /** Users, teams and apps by name in, as GitHub's objects out; teams must exist in the org. */
  private ObjectNode actors(String org, JsonNode n) {
    if (!n.isObject()) {
      throw invalid("Invalid users, teams or apps.");
    }
    ObjectNode out = GitHubJson.MAPPER.createObjectNode();
    for (String k : List.of("users", "teams", "apps")) {
      ArrayNode arr = out.putArray(k);
      JsonNode names = n.get(k);
      if (names == null || names.isNull()) {
        continue;
      }
      if (!names.isArray()) {
        throw invalid(k + " is not an array.");
      }
      for (JsonNode x : names) {
        if (!x.isTextual() || x.asText().isEmpty()) {
          throw invalid(k + " must be names.");
        }
        if (k.equals("teams") && !admin.teamExists(org, x.asText())) {
          throw invalid("No team found with the slug " + x.asText() + ".");
        }
        ObjectNode o = arr.addObject();
        if (k.equals("users")) {
          o.put("login", x.asText()).put("type", "User");
        } else {
          o.put("slug", x.asText()).put("name", x.asText());
        }
      }
    }
    return out;
  }

  private static ApiException invalid(String detail) {
    return new ApiException(422, "Invalid request.\n\n" + detail);
  }
}
