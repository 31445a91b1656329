package dev.agentbroker.testkit.github;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /app/installations/{installation_id}/access_tokens}: validates a scoped-down token
 * request the way GitHub does and mints the token.
 *
 * <p>Order of checks: JSON syntax (400), installation exists and is installed (404), not suspended
 * (403), field types (422), at most 500 repositories (422), every repository reachable (422), every
 * permission known, valid and within the grant (422).
 */
final class MintHandler {
  static final int MAX_REPOSITORIES = 500;

  private final SimulatorState state;
  private final GitHubJson json;

  MintHandler(SimulatorState state, GitHubJson json) {
    this.state = state;
    this.json = json;
  }

  /** The installation id in the path, or -1 when it is not a number (GitHub answers 404). */
  static long installationId(ApiRequest req) {
    try {
      return Long.parseLong(req.segment(2));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Called after App-JWT authentication succeeded. */
  ApiResponse mint(ApiRequest req, MintBody body) {
    req.documentationUrl = Messages.DOCS_MINT;
    if (body.malformed) {
      throw new ApiException(400, Messages.PROBLEMS_PARSING_JSON);
    }
    Installation inst = state.installation(installationId(req));
    if (inst == null) {
      throw ApiException.notFound();
    }
    if (state.suspendedAt(inst.id()) != null) {
      throw new ApiException(403, Messages.SUSPENDED);
    }
    if (body.typeError != null) {
      throw new ApiException(422, body.typeError);
    }
    List<Repo> named = resolveRepositories(inst, body);
    Map<String, String> granted = resolvePermissions(inst, body.permissions);

    List<Repo> reach = named.isEmpty() ? inst.repositories() : named;
    String selection = named.isEmpty() ? inst.repositorySelection() : "selected";
    IssuedToken t = state.issue(inst, granted, reach, selection, stateless(req));

    ObjectNode out = GitHubJson.MAPPER.createObjectNode();
    out.put("token", t.token());
    out.put("expires_at", DateTimeFormatter.ISO_INSTANT.format(t.expiresAt()));
    out.set("permissions", GitHubJson.permissions(granted));
    out.put("repository_selection", selection);
    if (!named.isEmpty()) {
      out.set("repositories", json.repositories(inst, named));
    }
    return ApiResponse.json(201, GitHubJson.bytes(out));
  }

  /**
   * The format for this mint: GitHub's per-request override header wins when it is exactly {@code
   * enabled} or {@code disabled}; any other value is ignored, as GitHub documents.
   */
  private boolean stateless(ApiRequest req) {
    String forced = req.header(InstallationTokens.FORMAT_HEADER);
    if ("enabled".equals(forced)) {
      return true;
    }
    if ("disabled".equals(forced)) {
      return false;
    }
    return state.fixture.statelessTokens();
  }

  /** Named repositories (by name or id), deduplicated in request order; empty means "all". */
  private static List<Repo> resolveRepositories(Installation inst, MintBody body) {
    List<String> names = body.repositories == null ? List.of() : body.repositories;
    List<Long> ids = body.repositoryIds == null ? List.of() : body.repositoryIds;
    // GitHub caps a token at 500 repositories, however they are named.
    if (names.size() + ids.size() > MAX_REPOSITORIES) {
      throw new ApiException(
          422,
          Messages.invalidRequest(
              names.size() > MAX_REPOSITORIES ? "repositories" : "repository_ids",
              "a token can be scoped to at most " + MAX_REPOSITORIES + " repositories."));
    }
    Set<Repo> out = new LinkedHashSet<>();
    for (String name : names) {
      Repo r = SimulatorState.repoByName(inst, name);
      if (r == null) {
        throw new ApiException(422, Messages.REPO_NOT_ACCESSIBLE);
      }
      out.add(r);
    }
    for (long id : ids) {
      Repo r = SimulatorState.repoById(inst, id);
      if (r == null) {
        throw new ApiException(422, Messages.REPO_NOT_ACCESSIBLE);
      }
      out.add(r);
    }
    return new ArrayList<>(out);
  }

  /** The requested permissions if all are grantable; the installation's set when none asked. */
  private static Map<String, String> resolvePermissions(
      Installation inst, Map<String, String> requested) {
    if (requested == null || requested.isEmpty()) {
      return new LinkedHashMap<>(inst.permissions());
    }
    for (Map.Entry<String, String> e : requested.entrySet()) {
      if (!Permissions.isValid(e.getKey(), e.getValue())
          || !Permissions.within(e.getValue(), inst.permissions().get(e.getKey()))) {
        throw new ApiException(422, Messages.PERMISSIONS_NOT_GRANTED);
      }
    }
    return new LinkedHashMap<>(requested);
  }
}
