package dev.agentbroker.tiera.github;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentbroker.policy.Scope;
import dev.agentbroker.tiera.github.GitHubException.Kind;
import dev.agentbroker.tiera.internal.AppJwtCache;
import dev.agentbroker.tiera.internal.GitHubHttp;
import dev.agentbroker.tiera.internal.GitHubHttp.Answer;
import dev.agentbroker.tiera.internal.GitHubJson;
import dev.agentbroker.tiera.internal.Sleeper;
import dev.agentbroker.tiera.keys.AppJwtSigner;
import dev.agentbroker.tiera.keys.KeyUnavailableException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The GitHub App, as the broker uses it. Thread-safe. Installation ids are cached per owner
 * (lower-cased: GitHub logins are case-insensitive); misses are cached briefly so an unknown owner
 * cannot be used to hammer GitHub.
 */
public final class GitHubAppClient {
  private final GitHubSettings settings;
  private final GitHubHttp http;
  private final AppJwtCache appJwt;
  private final Clock clock;
  private final Map<String, CachedInstallation> installations = new ConcurrentHashMap<>();

  private record CachedInstallation(long id, Instant expiresAt) {
    boolean miss() {
      return id <= 0;
    }
  }

  GitHubAppClient(GitHubSettings settings, AppJwtSigner signer, Clock clock, Sleeper sleeper) {
    this.settings = settings;
    this.clock = clock;
    this.http = new GitHubHttp(settings, clock, sleeper);
    this.appJwt = new AppJwtCache(signer, settings.appIssuer(), clock);
  }

  public static GitHubAppClient create(GitHubSettings settings, AppJwtSigner signer, Clock clock) {
    return new GitHubAppClient(settings, signer, clock, Sleeper.REAL);
  }

  /** For tests: retries wait through the given sleeper instead of the real clock. */
  public static GitHubAppClient createForTest(
      GitHubSettings settings, AppJwtSigner signer, Clock clock, Sleeper sleeper) {
    return new GitHubAppClient(settings, signer, clock, sleeper);
  }

  public RateLimitSnapshot rateLimit() {
    return http.rateLimit();
  }

  /** Owner → installation id: {@code /orgs/{o}/installation}, then {@code /users/{o}/...}. */
  public long installationId(String owner) throws GitHubException {
    String key = owner.toLowerCase(Locale.ROOT);
    Instant now = clock.instant();
    CachedInstallation cached = installations.get(key);
    if (cached != null && now.isBefore(cached.expiresAt())) {
      if (cached.miss()) {
        throw notInstalled(owner);
      }
      return cached.id();
    }
    String enc = URLEncoder.encode(owner, StandardCharsets.UTF_8);
    long id = lookup("/orgs/" + enc + "/installation");
    if (id <= 0) {
      id = lookup("/users/" + enc + "/installation");
    }
    if (id <= 0) {
      installations.put(key, new CachedInstallation(0, now.plus(settings.installationMissTtl())));
      throw notInstalled(owner);
    }
    installations.put(key, new CachedInstallation(id, now.plus(settings.installationCacheTtl())));
    return id;
  }

  /** Drop a cached owner, e.g. after GitHub answered 404 for its installation. */
  public void invalidateInstallation(String owner) {
    installations.remove(owner.toLowerCase(Locale.ROOT));
  }

  private long lookup(String path) throws GitHubException {
    Answer a = sendAsApp("GET", path, null);
    if (a.status() == 404) {
      return 0;
    }
    if (a.status() == 401) {
      appJwt.invalidate();
      throw misconfigured(a, "GitHub refused the App JWT");
    }
    if (a.status() != 200) {
      throw unexpected(a);
    }
    JsonNode id = parse(a).get("id");
    if (id == null || !id.canConvertToLong() || id.asLong() <= 0) {
      throw new GitHubException(Kind.BAD_RESPONSE, 200, "installation without id", null, null);
    }
    return id.asLong();
  }

  /**
   * Mints a token for exactly {@code scope}. Refuses locally, before any call, a scope without
   * repositories or permissions: GitHub reads an omitted or empty field as "everything".
   */
  public InstallationToken mint(long installationId, Scope scope) throws GitHubException {
    if (scope.repositories().isEmpty() && scope.repositoryIds().isEmpty()) {
      throw new IllegalArgumentException("refusing to mint a token without repositories");
    }
    if (scope.permissions().isEmpty()) {
      throw new IllegalArgumentException("refusing to mint a token without permissions");
    }
    ObjectNode body = GitHubJson.MAPPER.createObjectNode();
    if (!scope.repositories().isEmpty()) {
      ArrayNode names = body.putArray("repositories");
      scope.repositories().forEach(names::add);
    }
    if (!scope.repositoryIds().isEmpty()) {
      ArrayNode ids = body.putArray("repository_ids");
      scope.repositoryIds().forEach(ids::add);
    }
    ObjectNode perms = body.putObject("permissions");
    new TreeMap<>(scope.permissions()).forEach(perms::put);
    return postMint(installationId, body);
  }

  /**
   * Tier B only: a just-in-time token for the whole installation with exactly {@code permissions},
   * for the calls GitHub cannot scope to repositories (creating one). Such a token never leaves the
   * broker; an ArchUnit rule keeps Tier A from calling this.
   */
  public InstallationToken mintInstallationWide(
      long installationId, Map<String, String> permissions) throws GitHubException {
    if (permissions.isEmpty()) {
      throw new IllegalArgumentException("refusing to mint a token without permissions");
    }
    ObjectNode body = GitHubJson.MAPPER.createObjectNode();
    ObjectNode perms = body.putObject("permissions");
    new TreeMap<>(permissions).forEach(perms::put);
    return postMint(installationId, body);
  }

  /**
   * One mint POST, never replayed after an ambiguous failure (see {@link
   * GitHubHttp#sendAtMostOnce}): a blind retry could leave a live token at GitHub that nobody holds
   * and no journal entry names. The 401 re-sign below is safe: a 401 never minted.
   */
  private InstallationToken postMint(long installationId, ObjectNode body) throws GitHubException {
    Answer a =
        sendAsApp(
            "POST",
            "/app/installations/" + installationId + "/access_tokens",
            body.toString(),
            false);
    switch (a.status()) {
      case 201:
        return parseToken(a, installationId);
      case 422:
        throw new GitHubException(
            Kind.SCOPE_REJECTED,
            422,
            "GitHub rejected the requested scope",
            GitHubJson.message(a.body()),
            null);
      case 403:
        throw new GitHubException(
            Kind.SUSPENDED,
            403,
            "GitHub refused the mint (installation suspended?)",
            GitHubJson.message(a.body()),
            null);
      case 401:
        appJwt.invalidate();
        throw misconfigured(a, "GitHub refused the App JWT");
      case 404:
        invalidateAllFor(installationId);
        throw misconfigured(a, "installation not found (App uninstalled?)");
      default:
        throw unexpected(a);
    }
  }

  /** Revokes a token with the token itself. 204 and 401 (already dead) both mean revoked. */
  public void revoke(String token) throws GitHubException {
    Answer a = http.send("DELETE", "/installation/token", "token " + token, null);
    if (a.status() == 204 || a.status() == 401) {
      return;
    }
    throw unexpected(a);
  }

  private void invalidateAllFor(long installationId) {
    installations.values().removeIf(c -> c.id() == installationId);
  }

  private InstallationToken parseToken(Answer a, long installationId) throws GitHubException {
    JsonNode n = parse(a);
    JsonNode token = n.get("token");
    JsonNode expires = n.get("expires_at");
    if (token == null || !token.isTextual() || token.asText().isEmpty() || expires == null) {
      throw new GitHubException(Kind.BAD_RESPONSE, 201, "token response incomplete", null, null);
    }
    Instant expiresAt;
    try {
      expiresAt = Instant.parse(expires.asText());
    } catch (DateTimeParseException e) {
      throw new GitHubException(Kind.BAD_RESPONSE, 201, "expires_at unparsable", null, null);
    }
    Map<String, String> perms = new TreeMap<>();
    JsonNode p = n.get("permissions");
    if (p != null && p.isObject()) {
      p.properties().forEach(e -> perms.put(e.getKey(), e.getValue().asText()));
    }
    List<String> repos = new ArrayList<>();
    JsonNode r = n.get("repositories");
    if (r != null && r.isArray()) {
      r.forEach(x -> repos.add(x.path("name").asText()));
    }
    return new InstallationToken(token.asText(), expiresAt, perms, repos, installationId);
  }

  /**
   * Sends with the App JWT. After a 401 the JWT's key may just have been rotated out at GitHub: the
   * cache drops that JWT, the signer looks for the newer key, and the call is retried once. A 401
   * never minted anything, so the retry cannot double-mint; a second 401 is reported.
   */
  private Answer sendAsApp(String method, String path, String body) throws GitHubException {
    return sendAsApp(method, path, body, true);
  }

  private Answer sendAsApp(String method, String path, String body, boolean replayable)
      throws GitHubException {
    String jwt = appJwt();
    Answer a = send(method, path, "Bearer " + jwt, body, replayable);
    if (a.status() != 401) {
      return a;
    }
    appJwt.rejected(jwt);
    return send(method, path, "Bearer " + appJwt(), body, replayable);
  }

  private Answer send(String method, String path, String auth, String body, boolean replayable)
      throws GitHubException {
    return replayable
        ? http.send(method, path, auth, body)
        : http.sendAtMostOnce(method, path, auth, body);
  }

  private String appJwt() throws GitHubException {
    try {
      return appJwt.get();
    } catch (KeyUnavailableException e) {
      throw new GitHubException(Kind.KEY_UNAVAILABLE, 0, e.getMessage(), null, null);
    }
  }

  private static JsonNode parse(Answer a) throws GitHubException {
    try {
      JsonNode n = GitHubJson.parse(a.body());
      if (n == null || !n.isObject()) {
        throw new GitHubException(Kind.BAD_RESPONSE, a.status(), "not a JSON object", null, null);
      }
      return n;
    } catch (JsonProcessingException e) {
      throw new GitHubException(Kind.BAD_RESPONSE, a.status(), "unparsable JSON", null, null);
    }
  }

  private static GitHubException notInstalled(String owner) {
    return new GitHubException(
        Kind.NOT_INSTALLED, 404, "the App is not installed on " + owner, null, null);
  }

  private static GitHubException misconfigured(Answer a, String why) {
    return new GitHubException(
        Kind.MISCONFIGURED, a.status(), why, GitHubJson.message(a.body()), null);
  }

  private static GitHubException unexpected(Answer a) {
    return new GitHubException(
        Kind.BAD_RESPONSE,
        a.status(),
        "unexpected GitHub status " + a.status(),
        GitHubJson.message(a.body()),
        null);
  }
}
