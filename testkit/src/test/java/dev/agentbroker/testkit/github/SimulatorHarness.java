package dev.agentbroker.testkit.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentbroker.testkit.MutableClock;
import dev.agentbroker.testkit.TestKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base for simulator tests: a running simulator on the demo fixture, a MutableClock, a real
 * HttpClient, and a hand-rolled JWT signer (independent of both jjwt and the simulator's verifier,
 * so tests can produce exactly the malformed tokens they need).
 */
abstract class SimulatorHarness {
  static final KeyPair APP_KEY = TestKeys.rsa2048();
  static final KeyPair OTHER_KEY = TestKeys.rsa2048();
  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant T0 = Instant.parse("2025-06-01T12:00:00Z");
  static final long ACME = SimulatorFixture.DEMO_ACME_INSTALLATION_ID;
  static final long OCTOCAT = SimulatorFixture.DEMO_OCTOCAT_INSTALLATION_ID;

  MutableClock clock;
  GitHubSimulator sim;
  HttpClient http;

  SimulatorFixture fixture() {
    return SimulatorFixture.demo(APP_KEY.getPublic());
  }

  @BeforeEach
  void startSimulator() throws IOException {
    clock = new MutableClock(T0);
    sim = GitHubSimulator.start(fixture(), clock);
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterEach
  void stopSimulator() {
    sim.close();
  }

  long now() {
    return clock.instant().getEpochSecond();
  }

  /** A valid App JWT: iss = app id (string), iat 30 s ago, exp 5 min ahead. */
  String appJwt() {
    return appJwt(APP_KEY.getPrivate(), "424242", now() - 30, now() + 300);
  }

  String appJwt(PrivateKey key, Object iss, Object iat, Object exp) {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iat", iat);
    claims.put("exp", exp);
    claims.put("iss", iss);
    return rs256(key, Map.of("alg", "RS256", "typ", "JWT"), claims);
  }

  static String rs256(PrivateKey key, Map<String, Object> header, Map<String, Object> claims) {
    String input = b64(header) + "." + b64(claims);
    try {
      Signature s = Signature.getInstance("SHA256withRSA");
      s.initSign(key);
      s.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String b64(Object json) {
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(json));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  HttpResponse<String> get(String path, String authorization) {
    return send("GET", path, authorization, null);
  }

  HttpResponse<String> send(String method, String path, String authorization, String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(sim.baseUri() + path))
            .timeout(Duration.ofSeconds(10))
            .header("User-Agent", "testkit-tests")
            .header("Accept", "application/vnd.github+json")
            .header("X-GitHub-Api-Version", "2022-11-28");
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return send(b.build());
  }

  HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpResponse<String> mint(long installationId, String body) {
    return send(
        "POST",
        "/app/installations/" + installationId + "/access_tokens",
        "Bearer " + appJwt(),
        body);
  }

  /** Mints successfully and returns the token. */
  String mintToken(long installationId, String body) {
    HttpResponse<String> r = mint(installationId, body);
    if (r.statusCode() != 201) {
      throw new AssertionError("mint failed: " + r.statusCode() + " " + r.body());
    }
    return json(r).get("token").asText();
  }

  static JsonNode json(HttpResponse<String> r) {
    try {
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String message(HttpResponse<String> r) {
    return json(r).get("message").asText();
  }

  /** Raw HTTP/1.1 exchange, for requests java.net.http cannot make (e.g. no User-Agent). */
  String rawRequest(String requestHead) throws IOException {
    URI base = sim.baseUri();
    try (Socket s = new Socket(base.getHost(), base.getPort())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(requestHead.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
