package dev.agentbroker.egress.internal.inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.agentbroker.testkit.CallerTokens;
import dev.agentbroker.testkit.github.GitHubSimulator;
import dev.agentbroker.testkit.github.SimulatorFixture;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The broker's Tier A surface as the proxy uses it, in front of the GitHub simulator: {@code POST
 * /token} answers only the proxy's caller JWT and mints a real installation token from the
 * simulator (App JWT, the installation of the requested owner) for exactly the requested scope;
 * {@code DELETE /token/{lease}} revokes it at the simulator. Policy is not evaluated here (the
 * broker's own tests cover it); what is tested is that the proxy asks for the run's scope with its
 * own identity and revokes what it minted.
 */
final class StandInBroker implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  final List<JsonNode> mints = new CopyOnWriteArrayList<>();
  final List<String> revoked = new CopyOnWriteArrayList<>();
  final List<String> tokens = new CopyOnWriteArrayList<>();

  /** While set, every mint is refused with this problem code (as the broker's policy would). */
  volatile String refuseWith;

  private final Map<String, String> leases = new ConcurrentHashMap<>();
  private final HttpServer server;
  private final GitHubSimulator sim;
  private final PrivateKey appKey;
  private final Clock clock;
  private final String callerJwt;
  private final HttpClient http = HttpClient.newHttpClient();

  StandInBroker(GitHubSimulator sim, PrivateKey appKey, Clock clock, String callerJwt)
      throws IOException {
    this.sim = sim;
    this.appKey = appKey;
    this.clock = clock;
    this.callerJwt = callerJwt;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/token", this::handle);
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      if (!("Bearer " + callerJwt).equals(x.getRequestHeaders().getFirst("Authorization"))) {
        send(x, 401, "{\"code\":\"unauthenticated\"}");
        return;
      }
      String path = x.getRequestURI().getPath();
      if (x.getRequestMethod().equals("POST") && path.equals("/token")) {
        mint(x, JSON.readTree(x.getRequestBody()));
      } else if (x.getRequestMethod().equals("DELETE") && path.startsWith("/token/lease_")) {
        String lease = path.substring(7);
        String token = leases.remove(lease);
        if (token == null) {
          send(x, 404, "{\"code\":\"not_found\"}");
          return;
        }
        github("DELETE", "/installation/token", "token " + token, null);
        revoked.add(lease);
        x.sendResponseHeaders(204, -1);
      } else {
        send(x, 404, "{\"code\":\"not_found\"}");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void mint(HttpExchange x, JsonNode body) throws IOException, InterruptedException {
    mints.add(body);
    if (refuseWith != null) {
      send(x, 403, "{\"type\":\"about:blank\",\"status\":403,\"code\":\"" + refuseWith + "\"}");
      return;
    }
    long installation =
        body.path("owner").asText().equals("acme")
            ? SimulatorFixture.DEMO_ACME_INSTALLATION_ID
            : SimulatorFixture.DEMO_OCTOCAT_INSTALLATION_ID;
    ObjectNode req = JSON.createObjectNode();
    req.set("repositories", body.path("repositories"));
    req.set("permissions", body.path("permissions"));
    String jwt = CallerTokens.rs256("424242", appKey).clock(clock).sign();
    HttpResponse<String> r =
        github(
            "POST",
            "/app/installations/" + installation + "/access_tokens",
            "Bearer " + jwt,
            req.toString());
    if (r.statusCode() != 201) {
      send(x, 403, "{\"code\":\"policy_denied\"}");
      return;
    }
    JsonNode gh = JSON.readTree(r.body());
    String token = gh.path("token").asText();
    byte[] id = new byte[16];
    new SecureRandom().nextBytes(id);
    String lease = "lease_" + HexFormat.of().formatHex(id);
    leases.put(lease, token);
    tokens.add(token);
    ObjectNode out = JSON.createObjectNode();
    out.put("token", token);
    out.put("expires_at", gh.path("expires_at").asText());
    out.put("lease_id", lease);
    out.set("permissions", gh.path("permissions"));
    send(x, 201, out.toString());
  }

  private HttpResponse<String> github(String method, String path, String auth, String body)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(sim.baseUri() + path))
            .header("Authorization", auth)
            .header("User-Agent", "stand-in-broker")
            .header("Accept", "application/vnd.github+json")
            .header("X-GitHub-Api-Version", "2022-11-28")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void send(HttpExchange x, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(status, b.length);
    try (OutputStream o = x.getResponseBody()) {
      o.write(b);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
