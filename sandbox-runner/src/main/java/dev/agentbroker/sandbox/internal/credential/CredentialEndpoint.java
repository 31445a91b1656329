package dev.agentbroker.sandbox.internal.credential;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.agentbroker.sandbox.AgentException;
import dev.agentbroker.sandbox.ExitCode;
import dev.agentbroker.sandbox.internal.run.RunLog;
import dev.agentbroker.sandbox.internal.settings.RepoRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The run's credential service, the only way a token enters a Linux sandbox: plain HTTP on the host
 * end of the sandbox's own link, so the nftables rules let only that sandbox reach it, and it also
 * refuses any peer but the sandbox's address. The launcher holds the caller credential; the sandbox
 * can only ever get a token for the run's one repository and permissions.
 *
 * <ul>
 *   <li>{@code POST /git-credential/get}: git's request on the body; for {@code https://<git
 *       host>/OWNER/NAME} of the run's repository the answer is {@code username}/{@code
 *       password}/{@code password_expiry_utc}; any other host or repository gets an empty answer.
 *   <li>{@code POST /git-credential/erase}: git rejected a token: the next get re-mints.
 *   <li>{@code POST /git-credential/store}: accepted, nothing kept.
 *   <li>{@code GET /token}: the token alone (the sandbox's {@code agent-token} shim for {@code
 *       gh}).
 * </ul>
 */
public final class CredentialEndpoint implements AutoCloseable {
  private static final int MAX_BODY = 64 * 1024;
  private final HttpServer server;
  private final ExecutorService workers;
  private final InetAddress sandbox;
  private final TokenCache cache;
  private final RepoRef repo;
  private final String gitHost;
  private final RunLog log;

  private CredentialEndpoint(
      HttpServer server,
      ExecutorService workers,
      InetAddress sandbox,
      TokenCache cache,
      RepoRef repo,
      String gitHost,
      RunLog log) {
    this.server = server;
    this.workers = workers;
    this.sandbox = sandbox;
    this.cache = cache;
    this.repo = repo;
    this.gitHost = gitHost;
    this.log = log;
  }

  /** Binds {@code hostAddress:0}; only {@code sandboxAddress} may connect. */
  public static CredentialEndpoint start(
      String hostAddress,
      String sandboxAddress,
      TokenCache cache,
      RepoRef repo,
      String gitHost,
      RunLog log) {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getByName(hostAddress), 0), 16);
      ExecutorService workers =
          Executors.newFixedThreadPool(
              2,
              r -> {
                Thread t = new Thread(r, "agent-credential");
                t.setDaemon(true);
                return t;
              });
      CredentialEndpoint e =
          new CredentialEndpoint(
              server, workers, InetAddress.getByName(sandboxAddress), cache, repo, gitHost, log);
      server.createContext("/", e::handle);
      server.setExecutor(workers);
      server.start();
      return e;
    } catch (IOException e) {
      throw new AgentException(
          ExitCode.SANDBOX_FAILED, "cannot start the run's credential endpoint: " + e.getMessage());
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private record Reply(int status, String body) {}

  private void handle(HttpExchange x) throws IOException {
    try {
      Reply r;
      try {
        r = answer(x);
      } catch (AgentException e) {
        log.credentialRefused(x.getRequestURI().getPath(), e.getMessage());
        r = new Reply(503, "");
      }
      reply(x, r.status(), r.body());
    } finally {
      x.close();
    }
  }

  private Reply answer(HttpExchange x) throws IOException {
    if (!x.getRemoteAddress().getAddress().equals(sandbox)) {
      return new Reply(403, "");
    }
    String path = x.getRequestURI().getPath();
    String method = x.getRequestMethod();
    if (method.equals("GET") && path.equals("/token")) {
      TokenCache.Answer a = cache.get();
      log.credential("token", repo, a);
      return new Reply(200, a.lease().token() + "\n");
    }
    if (!method.equals("POST") || !path.startsWith("/git-credential/")) {
      return new Reply(404, "");
    }
    GitCredentialRequest req;
    try (InputStream in = x.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_BODY + 1);
      if (body.length > MAX_BODY) {
        return new Reply(413, "");
      }
      req = GitCredentialRequest.parse(new String(body, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      log.credentialRefused(path, e.getMessage());
      return new Reply(400, "");
    }
    Optional<RepoRef> target = req.repositoryOn(gitHost);
    boolean ours = target.isPresent() && target.get().sameAs(repo.owner(), repo.name());
    switch (path.substring("/git-credential/".length())) {
      case "get":
        if (!ours) {
          log.credentialNotOurs(
              req.get("host").orElse("-"), target.map(RepoRef::toString).orElse("-"));
          return new Reply(200, "");
        }
        TokenCache.Answer a = cache.get();
        log.credential("get", repo, a);
        return new Reply(
            200,
            GitCredentialRequest.answer(a.lease().token(), a.lease().expiresAt().getEpochSecond()));
      case "erase":
        boolean dropped = ours && req.get("password").map(cache::erase).orElse(false);
        log.credentialErased(repo, dropped);
        return new Reply(200, "");
      case "store":
        return new Reply(200, "");
      default:
        return new Reply(404, "");
    }
  }

  private static void reply(HttpExchange x, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    x.getResponseHeaders().set("Cache-Control", "no-store");
    x.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
    if (b.length > 0) {
      try (OutputStream out = x.getResponseBody()) {
        out.write(b);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
  }
}
