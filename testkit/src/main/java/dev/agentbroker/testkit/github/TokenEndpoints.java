package dev.agentbroker.testkit.github;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;

/**
 * Endpoints authenticated with an installation access token ({@code token X} or {@code Bearer X}):
 * revoking the token and listing the repositories it reaches.
 */
final class TokenEndpoints {
  private static final String DOCS_REVOKE =
      "https://docs.github.com/rest/apps/installations#revoke-an-installation-access-token";
  private static final String DOCS_LIST =
      "https://docs.github.com/rest/apps/installations#list-repositories-accessible-to-the-app-installation";

  private final SimulatorState state;
  private final GitHubJson json;

  TokenEndpoints(SimulatorState state, GitHubJson json) {
    this.state = state;
    this.json = json;
  }

  /** Handles the request if it is a token endpoint; returns null otherwise. */
  ApiResponse handle(ApiRequest req) {
    if (req.matches("DELETE", "installation", "token")) {
      req.documentationUrl = DOCS_REVOKE;
      IssuedToken t = authenticate(req);
      state.revoke(t.token());
      return ApiResponse.noContent();
    }
    if (req.matches("GET", "installation", "repositories")) {
      req.documentationUrl = DOCS_LIST;
      IssuedToken t = authenticate(req);
      return repositories(req, t);
    }
    return null;
  }

  /** Paginated like GitHub: {@code per_page} defaults to 30 and is capped at 100. */
  private ApiResponse repositories(ApiRequest req, IssuedToken t) {
    Installation inst = state.installation(t.installationId());
    if (inst == null) {
      throw ApiException.badCredentials();
    }
    int perPage = clamp(intParam(req, "per_page", 30), 1, 100);
    int page = Math.max(1, intParam(req, "page", 1));
    List<Repo> all = t.repositories();
    int from = (int) Math.min((long) (page - 1) * perPage, all.size());
    int to = Math.min(from + perPage, all.size());
    ObjectNode out = GitHubJson.MAPPER.createObjectNode();
    out.put("total_count", all.size());
    out.put("repository_selection", t.repositorySelection());
    out.set("repositories", json.repositories(inst, all.subList(from, to)));
    return ApiResponse.json(200, GitHubJson.bytes(out));
  }

  /** The live token named by the Authorization header, or a 401/403 like GitHub's. */
  private IssuedToken authenticate(ApiRequest req) {
    String auth = req.header("Authorization");
    if (auth == null || auth.isBlank()) {
      throw new ApiException(401, Messages.REQUIRES_AUTHENTICATION, Messages.DOCS_REST);
    }
    IssuedToken t = state.live(credential(auth));
    if (t == null) {
      throw ApiException.badCredentials();
    }
    if (state.suspendedAt(t.installationId()) != null) {
      throw new ApiException(403, Messages.SUSPENDED);
    }
    return t;
  }

  /** The credential after a {@code token} or {@code bearer} scheme (case-insensitive), else "". */
  static String credential(String authorization) {
    String trimmed = authorization.strip();
    int sp = trimmed.indexOf(' ');
    if (sp < 0) {
      return "";
    }
    String scheme = trimmed.substring(0, sp).toLowerCase(Locale.ROOT);
    if (!scheme.equals("token") && !scheme.equals("bearer")) {
      return "";
    }
    return trimmed.substring(sp + 1).strip();
  }

  private static int intParam(ApiRequest req, String name, int dflt) {
    String v = req.query.get(name);
    if (v == null) {
      return dflt;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      return dflt;
    }
  }

  private static int clamp(int v, int lo, int hi) {
    return Math.max(lo, Math.min(hi, v));
  }
}
