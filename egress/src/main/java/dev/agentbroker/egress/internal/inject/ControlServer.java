package dev.agentbroker.egress.internal.inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.agentbroker.egress.internal.inject.RunRegistry.Registration;
import dev.agentbroker.egress.internal.inject.RunRegistry.Run;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The run-registration API, on a loopback address only, for the runner: {@code PUT /runs/{id}}
 * registers a run, {@code DELETE /runs/{id}} ends it (its token is revoked), {@code GET /ca.pem}
 * hands out the CA certificate. Every request needs {@code Authorization: Bearer <secret>}; the
 * secret comes from a file and only its SHA-256 is kept, compared in constant time. Errors are
 * {@code application/problem+json} with a stable {@code code}.
 */
public final class ControlServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger("dev.agentbroker.egress.inject");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}");
  private static final Pattern PERMISSION = Pattern.compile("[a-z_]{1,50}");
  private static final int MAX_BODY = 16 * 1024;

  /**
   * A run may be registered for at most this long (a broker token lives one hour; runs refresh).
   */
  static final Duration MAX_RUN = Duration.ofHours(24);

  private final HttpServer server;
  private final ExecutorService executor;
  private final byte[] secretSha256;
  private final RunRegistry runs;
  private final String caPem;
  private final Clock clock;

  private ControlServer(
      HttpServer server,
      ExecutorService executor,
      byte[] secretSha256,
      RunRegistry runs,
      String caPem,
      Clock clock) {
    this.server = server;
    this.executor = executor;
    this.secretSha256 = secretSha256;
    this.runs = runs;
    this.caPem = caPem;
    this.clock = clock;
  }

  public static ControlServer start(
      InetSocketAddress at, byte[] secretSha256, RunRegistry runs, String caPem, Clock clock)
      throws IOException {
    HttpServer server = HttpServer.create(at, 16);
    ExecutorService ex = Executors.newFixedThreadPool(2, InjectWorkers.named("egress-control"));
    ControlServer c = new ControlServer(server, ex, secretSha256, runs, caPem, clock);
    server.createContext("/", c::handle);
    server.setExecutor(ex);
    server.start();
    return c;
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      String auth = x.getRequestHeaders().getFirst("Authorization");
      if (!authorized(auth) || x.getRequestHeaders().get("Authorization").size() != 1) {
        x.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"egress-inject\"");
        problem(x, 401, "unauthenticated");
        return;
      }
      String path = x.getRequestURI().getRawPath();
      String method = x.getRequestMethod();
      if (path.equals("/ca.pem") && method.equals("GET")) {
        send(x, 200, "application/x-pem-file", caPem);
        return;
      }
      if (!path.startsWith("/runs/") || !RUN_ID.matcher(path.substring(6)).matches()) {
        problem(x, 404, "not_found");
        return;
      }
      String id = path.substring(6);
      switch (method) {
        case "PUT" -> register(x, id);
        case "DELETE" -> {
          if (runs.unregister(id)) {
            LOG.info("inject run unregistered run=" + id);
            x.sendResponseHeaders(204, -1);
          } else {
            problem(x, 404, "unknown_run");
          }
        }
        default -> problem(x, 405, "method_not_allowed");
      }
    }
  }

  private void register(HttpExchange x, String id) throws IOException {
    byte[] raw;
    try (InputStream in = x.getRequestBody()) {
      raw = in.readNBytes(MAX_BODY + 1);
    }
    if (raw.length > MAX_BODY) {
      problem(x, 413, "body_too_large");
      return;
    }
    Run run;
    try {
      run = parse(id, JSON.readTree(raw));
    } catch (IOException | IllegalArgumentException e) {
      problem(x, 400, "invalid_request");
      return;
    }
    Registration r = runs.register(run);
    if (r.reason() != null) {
      problem(x, r.status(), r.reason());
      return;
    }
    LOG.info(
        "inject run registered run="
            + id
            + " user="
            + run.user()
            + " owner="
            + run.grant().owner()
            + " repositories="
            + run.grant().repositories()
            + " expires_at="
            + run.expiresAt());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("run_id", id);
    out.put("expires_at", run.expiresAt().toString());
    send(x, r.status(), "application/json", JSON.writeValueAsString(out));
  }

  private Run parse(String id, JsonNode n) {
    String user = text(n, "proxy_user");
    String owner = text(n, "owner");
    if (!OWNER.matcher(owner).matches()) {
      throw new IllegalArgumentException("owner");
    }
    List<String> repos = new ArrayList<>();
    for (JsonNode r : n.path("repositories")) {
      if (!r.isTextual() || !NAME.matcher(r.asText()).matches()) {
        throw new IllegalArgumentException("repositories");
      }
      repos.add(r.asText());
    }
    if (repos.isEmpty() || repos.size() > 500) {
      throw new IllegalArgumentException("repositories");
    }
    Map<String, String> perms = new LinkedHashMap<>();
    n.path("permissions")
        .properties()
        .forEach(
            e -> {
              String v = e.getValue().asText("");
              if (!PERMISSION.matcher(e.getKey()).matches() || !v.matches("read|write")) {
                throw new IllegalArgumentException("permissions");
              }
              perms.put(e.getKey(), v);
            });
    if (perms.isEmpty()) {
      throw new IllegalArgumentException("permissions");
    }
    Instant expires = Instant.parse(text(n, "expires_at"));
    if (expires.isAfter(clock.instant().plus(MAX_RUN))) {
      throw new IllegalArgumentException("expires_at");
    }
    return new Run(id, user, new Grant(owner, repos, perms), expires);
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual() || v.asText().isEmpty()) {
      throw new IllegalArgumentException(field);
    }
    return v.asText();
  }

  private boolean authorized(String header) {
    if (header == null || !header.startsWith("Bearer ")) {
      return false;
    }
    try {
      byte[] got =
          MessageDigest.getInstance("SHA-256")
              .digest(header.substring(7).getBytes(StandardCharsets.UTF_8));
      return MessageDigest.isEqual(got, secretSha256);
    } catch (java.security.NoSuchAlgorithmException e) {
      return false;
    }
  }

  private static void problem(HttpExchange x, int status, String code) throws IOException {
    String body = "{\"type\":\"about:blank\",\"status\":" + status + ",\"code\":\"" + code + "\"}";
    send(x, status, "application/problem+json", body);
  }

  private static void send(HttpExchange x, int status, String type, String body)
      throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", type);
    x.sendResponseHeaders(status, b.length);
    try (OutputStream o = x.getResponseBody()) {
      o.write(b);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
