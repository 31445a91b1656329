package dev.agentbroker.sandbox.internal.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.agentbroker.sandbox.AgentException;
import dev.agentbroker.sandbox.ExitCode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner's side of the proxy's registration API against a local server that checks the bearer
 * secret like the proxy does and answers what a test scripts: the request shapes, every refusal as
 * exit 77 with the proxy's code, a CA answer that is not certificates only, and no secret in any
 * message.
 */
class InjectClientTest {
  static final String SECRET = "registration-secret-0123456789abcdef";
  static final String CA =
      """
      -----BEGIN CERTIFICATE-----
      MIIBiTCCAS+gAwIBAgIUIYEOBCByGqCTDHry//p32DwV1g8wCgYIKoZIzj0EAwIw
      GTEXMBUGA1UEAwwOdGVzdC1pbmplY3QtY2EwIBcNMjYxMjA3MTUwMzMxWhgPMjEy
      NjExMTMxNTAzMzFaMBkxFzAVBgNVBAMMDnRlc3QtaW5qZWN0LWNhMFkwEwYHKoZI
      zj0CAQYIKoZIzj0DAQcDQgAEmQF40cDq6KjpWGJBlk+S6fTK/15igyVqESFtuJf+
      9i6puLkb5BujNM0y5AgeqZrys7UszDIi7FXmEgDhycPg/qNTMFEwHQYDVR0OBBYE
      FD5iPKOk9FWKtYifU+n0rf8X8a5kMB8GA1UdIwQYMBaAFD5iPKOk9FWKtYifU+n0
      rf8X8a5kMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIhAIqtShuT
      JI/KFsGhUWRUOg9nu47uSuh3ciqqwY7z8hMBAiBR1W7SQ5aRiXdMzvhCQQo3I0g4
      E0HYWi07NSfifooE4A==
      -----END CERTIFICATE-----
      """;

  record Seen(String method, String path, String body) {}

  final List<Seen> seen = new CopyOnWriteArrayList<>();
  volatile int status = 201;
  volatile String answer = "{}";
  HttpServer server;
  @TempDir Path dir;
  Path secretFile;
  InjectClient client;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
    server.createContext(
        "/",
        x -> {
          try (x) {
            String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (!("Bearer " + SECRET).equals(x.getRequestHeaders().getFirst("Authorization"))) {
              byte[] b = "{\"code\":\"unauthenticated\"}".getBytes(StandardCharsets.UTF_8);
              x.sendResponseHeaders(401, b.length);
              x.getResponseBody().write(b);
              return;
            }
            seen.add(new Seen(x.getRequestMethod(), x.getRequestURI().getRawPath(), body));
            byte[] b = answer.getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(status, status == 204 ? -1 : b.length);
            if (status != 204) {
              x.getResponseBody().write(b);
            }
          }
        });
    server.start();
    secretFile = dir.resolve("control.secret");
    Files.writeString(secretFile, SECRET + "\n");
    client =
        new InjectClient(
            URI.create("http://127.0.0.1:" + server.getAddress().getPort()), secretFile);
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  InjectClient.Registration reg() {
    return new InjectClient.Registration(
        "0a1b2c3d",
        "sandbox-1",
        "acme",
        List.of("svc-a"),
        Map.of("contents", "write", "pull_requests", "write", "metadata", "read"),
        Instant.parse("2026-12-07T18:00:00Z"));
  }

  @Test
  void registersTheExplainedScopeForTheProxyUser() throws Exception {
    client.register(reg());
    assertEquals(1, seen.size());
    assertEquals("PUT", seen.get(0).method());
    assertEquals("/runs/0a1b2c3d", seen.get(0).path());
    JsonNode n = new ObjectMapper().readTree(seen.get(0).body());
    assertEquals("sandbox-1", n.path("proxy_user").asText());
    assertEquals("acme", n.path("owner").asText());
    assertEquals("[\"svc-a\"]", n.path("repositories").toString());
    assertEquals(
        "{\"contents\":\"write\",\"metadata\":\"read\",\"pull_requests\":\"write\"}",
        n.path("permissions").toString());
    assertEquals("2026-12-07T18:00:00Z", n.path("expires_at").asText());
    status = 200; // the identical registration again
    client.register(reg());
  }

  @Test
  void everyRefusalIsExit77WithTheProxysCodeAndNoSecret() throws Exception {
    for (var c :
        Map.of(
                409, "user_busy",
                422, "not_inject_user",
                400, "invalid_request",
                503, "too_many_runs")
            .entrySet()) {
      status = c.getKey();
      answer =
          "{\"type\":\"about:blank\",\"status\":"
              + c.getKey()
              + ",\"code\":\""
              + c.getValue()
              + "\"}";
      AgentException e = assertThrows(AgentException.class, () -> client.register(reg()));
      assertEquals(ExitCode.INJECT_UNAVAILABLE, e.exitCode());
      assertTrue(
          e.getMessage().contains("HTTP " + c.getKey() + " " + c.getValue()), e.getMessage());
      assertFalse(e.getMessage().contains(SECRET));
    }
    Files.writeString(secretFile, "a-wrong-secret-0123456789abcdef\n");
    AgentException e = assertThrows(AgentException.class, () -> client.register(reg()));
    assertEquals(ExitCode.INJECT_UNAVAILABLE, e.exitCode());
    assertTrue(e.getMessage().contains("401 unauthenticated (check AGENT_INJECT_SECRET_FILE)"));
    assertFalse(e.getMessage().contains("a-wrong-secret"));
  }

  @Test
  void anUnreachableApiIsExit77() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    InjectClient closed = new InjectClient(URI.create("http://127.0.0.1:" + port), secretFile);
    AgentException e = assertThrows(AgentException.class, () -> closed.register(reg()));
    assertEquals(ExitCode.INJECT_UNAVAILABLE, e.exitCode());
    assertTrue(e.getMessage().startsWith("cannot reach the egress proxy's registration API"));
  }

  @Test
  void theCaMustBeCertificatesOnly() {
    status = 200;
    answer = CA;
    assertEquals(CA, client.caPem());
    answer = CA + "-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n";
    assertEquals(
        ExitCode.INJECT_UNAVAILABLE, assertThrows(AgentException.class, client::caPem).exitCode());
    answer = "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n";
    assertEquals(
        ExitCode.INJECT_UNAVAILABLE, assertThrows(AgentException.class, client::caPem).exitCode());
    answer = "<html>proxy</html>";
    assertThrows(AgentException.class, client::caPem);
  }

  @Test
  void unregisterTellsAKnownFromAnUnknownRun() {
    status = 204;
    assertTrue(client.unregister("0a1b2c3d"));
    assertEquals("DELETE", seen.get(0).method());
    status = 404;
    answer = "{\"code\":\"unknown_run\"}";
    assertFalse(client.unregister("0a1b2c3d"));
    status = 500;
    assertThrows(AgentException.class, () -> client.unregister("0a1b2c3d"));
  }

  @Test
  void theProxyUrlEncodesTheSecretAndRefusesAnEmptyOne() throws Exception {
    Path p = dir.resolve("proxy.secret");
    Files.writeString(p, "s3cr:t@x/y\n");
    assertEquals(
        "http://sandbox-1:s3cr%3At%40x%2Fy@10.200.0.1:3128",
        InjectClient.proxyUrl("10.200.0.1:3128", "sandbox-1", p));
    Files.writeString(p, "\n");
    AgentException e =
        assertThrows(
            AgentException.class, () -> InjectClient.proxyUrl("10.200.0.1:3128", "sandbox-1", p));
    assertEquals(ExitCode.SETTINGS, e.exitCode());
    AgentException missing =
        assertThrows(
            AgentException.class, () -> InjectClient.proxyUrl("h:1", "u", dir.resolve("absent")));
    assertEquals(ExitCode.SETTINGS, missing.exitCode());
  }
}
