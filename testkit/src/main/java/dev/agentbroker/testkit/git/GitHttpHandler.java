package dev.agentbroker.testkit.git;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.agentbroker.testkit.github.GitHubSimulator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Routes, authenticates and authorises one request the way github.com does for a private
 * repository, then hands it to {@link HttpBackend}.
 *
 * <p>Order: not a smart-HTTP route → 404; no usable Basic credentials or a token that is not live →
 * 401 with a Basic challenge (so git asks its credential helper, and tells it {@code erase} when
 * the answer is still 401); the token does not reach the repository → 404 "Repository not found.";
 * a push with {@code contents: read} → 403. The bodies are GitHub's; git prints text/plain error
 * bodies as {@code remote: ...} lines.
 */
final class GitHttpHandler implements HttpHandler {
  /** Newest requests kept; far above what a test or a demo session makes. */
  static final int MAX_RECORDED = 10_000;

  /** The username git sends for token auth, also used when the one presented is unusable. */
  static final String TOKEN_USER = "x-access-token";

  private final GitHubSimulator sim;
  private final BareRepos repos;
  private final HttpBackend backend;
  private final ArrayDeque<GitRequest> recorded = new ArrayDeque<>();

  GitHttpHandler(GitHubSimulator sim, BareRepos repos, HttpBackend backend) {
    this.sim = sim;
    this.repos = repos;
    this.backend = backend;
  }

  /** The Basic credentials of a request; {@code password} is the installation token. */
  record Credentials(String username, String password) {
    @Override
    public String toString() {
      // Records print their components; this one must never print the token.
      return "Credentials[username=" + username + ", password=<redacted>]";
    }
  }

  @Override
  public void handle(HttpExchange ex) {
    String method = ex.getRequestMethod();
    String path = ex.getRequestURI().getRawPath();
    String query = ex.getRequestURI().getRawQuery();
    GitRoute route = GitRoute.parse(method, path, query);
    GitRequest.Kind kind =
        route == null
            ? GitRequest.Kind.OTHER
            : route.push() ? GitRequest.Kind.PUSH : GitRequest.Kind.FETCH;
    Credentials cred = basic(ex.getRequestHeaders().getFirst("Authorization"));
    String fingerprint = cred == null ? null : GitHttpHost.tokenFingerprint(cred.password());
    Reply reply =
        new Reply(
            ex, status -> record(new GitRequest(method, path, query, kind, status, fingerprint)));
    try {
      respond(reply, route, cred);
    } catch (IOException | RuntimeException e) {
      failed(reply);
    } finally {
      ex.close();
    }
  }

  /** After an error: a 500 if nothing was sent yet; otherwise the response is simply cut off. */
  private static void failed(Reply reply) {
    if (reply.sent()) {
      return;
    }
    try {
      reply.text(500, "Server Error");
    } catch (IOException | RuntimeException unreachableClient) {
      // The client is gone; the exchange is closed by the caller either way.
    }
  }

  private void respond(Reply reply, GitRoute route, Credentials cred) throws IOException {
    if (route == null) {
      reply.text(404, "Not Found");
      return;
    }
    if (cred == null || !sim.isTokenActive(cred.password())) {
      reply.exchange().getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"GitHub\"");
      reply.text(401, "Invalid username or password.");
      return;
    }
    String canonical = repos.canonical(route.fullName());
    Optional<String> access =
        canonical == null
            ? Optional.empty()
            : sim.contentsAccess(cred.password(), route.owner(), route.name());
    if (access.isEmpty()) {
      reply.text(404, "Repository not found.");
      return;
    }
    if (route.push() && !"write".equals(access.get())) {
      // GitHub names the repository as it is spelled on GitHub, not as the URL spelled it.
      reply.text(403, "Permission to " + canonical + ".git denied to " + TOKEN_USER + ".");
      return;
    }
    backend.serve(reply, route, canonical, remoteUser(cred.username()));
  }

  /** Basic credentials with a non-empty password, or null when absent or malformed. */
  static Credentials basic(String authorization) {
    if (authorization == null) {
      return null;
    }
    String trimmed = authorization.strip();
    int sp = trimmed.indexOf(' ');
    if (sp < 0 || !trimmed.substring(0, sp).toLowerCase(Locale.ROOT).equals("basic")) {
      return null;
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(trimmed.substring(sp + 1).strip()),
              StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
    int colon = decoded.indexOf(':');
    if (colon < 0 || colon == decoded.length() - 1) {
      return null;
    }
    return new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1));
  }

  /**
   * REMOTE_USER for the backend; receive-pack writes it into reflogs, so anything unusual is
   * replaced rather than passed to the environment of a child process.
   */
  static String remoteUser(String username) {
    return username.matches("[A-Za-z0-9._-]{1,64}") ? username : TOKEN_USER;
  }

  private synchronized void record(GitRequest r) {
    if (recorded.size() >= MAX_RECORDED) {
      recorded.pollFirst();
    }
    recorded.addLast(r);
  }

  synchronized List<GitRequest> requests() {
    return List.copyOf(recorded);
  }

  synchronized void clearRequests() {
    recorded.clear();
  }
}
