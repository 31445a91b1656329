package dev.agentbroker.testkit.github;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.Locale;

/**
 * Endpoints authenticated as the App itself ({@code Authorization: Bearer <jwt>}): the App, its
 * installations, installation lookups by account or repository, and minting.
 */
final class AppEndpoints {
  private static final String DOCS_APPS = "https://docs.github.com/rest/apps/apps";

  private final SimulatorState state;
  private final AppJwtVerifier verifier;
  private final Recorder recorder;
  private final GitHubJson json;
  private final MintHandler mints;

  AppEndpoints(SimulatorState state, Recorder recorder, GitHubJson json) {
    this.state = state;
    this.recorder = recorder;
    this.json = json;
    this.verifier = new AppJwtVerifier(state.fixture.appId(), state.fixture.clientId(), state.keys);
    this.mints = new MintHandler(state, json);
  }

  /** Handles the request if it is an App endpoint; returns null otherwise. */
  ApiResponse handle(ApiRequest req, MintBody mintBody) {
    if (req.matches("POST", "app", "installations", "*", "access_tokens")) {
      req.documentationUrl = Messages.DOCS_MINT;
      authenticate(req);
      return mints.mint(req, mintBody);
    }
    if (req.matches("GET", "app")) {
      req.documentationUrl = DOCS_APPS + "#get-the-authenticated-app";
      authenticate(req);
      return ok(json.app(state.installations()));
    }
    if (req.matches("GET", "app", "installations")) {
      req.documentationUrl = DOCS_APPS + "#list-installations-for-the-authenticated-app";
      authenticate(req);
      ArrayNode a = GitHubJson.MAPPER.createArrayNode();
      for (Installation i : state.installations()) {
        a.add(json.installation(i, state.suspendedAt(i.id())));
      }
      return ApiResponse.json(200, GitHubJson.bytes(a));
    }
    if (req.matches("GET", "app", "installations", "*")) {
      req.documentationUrl = DOCS_APPS + "#get-an-installation-for-the-authenticated-app";
      authenticate(req);
      return installation(state.installation(MintHandler.installationId(req)));
    }
    if (req.matches("GET", "orgs", "*", "installation")) {
      req.documentationUrl =
          DOCS_APPS + "#get-an-organization-installation-for-the-authenticated-app";
      authenticate(req);
      return installation(state.byAccount(req.segment(1), true));
    }
    if (req.matches("GET", "users", "*", "installation")) {
      req.documentationUrl = DOCS_APPS + "#get-a-user-installation-for-the-authenticated-app";
      authenticate(req);
      // GitHub resolves any account here, organizations included.
      return installation(state.byAccount(req.segment(1), false));
    }
    if (req.matches("GET", "repos", "*", "*", "installation")) {
      req.documentationUrl = DOCS_APPS + "#get-a-repository-installation-for-the-authenticated-app";
      authenticate(req);
      return installation(state.byRepo(req.segment(1), req.segment(2)));
    }
    return null;
  }

  private ApiResponse installation(Installation i) {
    if (i == null) {
      throw ApiException.notFound();
    }
    return ok(json.installation(i, state.suspendedAt(i.id())));
  }

  private static ApiResponse ok(com.fasterxml.jackson.databind.JsonNode body) {
    return ApiResponse.json(200, GitHubJson.bytes(body));
  }

  /**
   * Requires {@code Authorization: Bearer <App JWT>}. The {@code token} scheme is how OAuth and
   * installation tokens travel; GitHub does not look for a JWT there, so it is "Bad credentials".
   */
  private void authenticate(ApiRequest req) {
    String auth = req.header("Authorization");
    if (auth == null || auth.isBlank()) {
      throw new ApiException(401, Messages.REQUIRES_AUTHENTICATION, Messages.DOCS_REST);
    }
    String trimmed = auth.strip();
    int sp = trimmed.indexOf(' ');
    String scheme = sp < 0 ? trimmed : trimmed.substring(0, sp);
    String credential = sp < 0 ? "" : trimmed.substring(sp + 1).strip();
    if (!"bearer".equals(scheme.toLowerCase(Locale.ROOT)) || credential.isEmpty()) {
      throw ApiException.badCredentials();
    }
    recorder.appJwt(credential);
    verifier.verify(credential, state.now().getEpochSecond());
  }
}
