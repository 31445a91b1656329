package dev.agentbroker.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentbroker.testkit.demo.BrokerProcess;
import dev.agentbroker.testkit.demo.DemoStack;
import dev.agentbroker.testkit.demo.SharedStateEnv;
import dev.agentbroker.testkit.redis.RedisServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Two real broker processes (the fast-jar, as operators run it) on one real Redis, with the
 * settings several replicas share (ADR 0020): replica A is the demo stack's broker, B a second
 * process with the same configuration and its own journal. Each HTTP helper names the replica it
 * calls, so a test reads as "mint on A, revoke on B".
 */
final class Replicas implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  /** The verb the idempotency test calls: agent-launcher may create acme repositories. */
  static final String VERB_RULES =
      """
      verbs:
        create-repo: {allowed_identities: [agent-launcher], rate: "1000/hour", params: {owner: [acme], name: "^[a-z][a-z0-9-]{2,62}$", visibility: [private]}}
      """;

  final RedisServer redis;
  final DemoStack stack;
  BrokerProcess b;
  private final HttpClient http = HttpClient.newHttpClient();

  private Replicas(RedisServer redis, DemoStack stack, BrokerProcess b) {
    this.redis = redis;
    this.stack = stack;
    this.b = b;
  }

  static Replicas start() throws Exception {
    Path jar = Chain.ROOT.resolve("broker/target/quarkus-app/quarkus-run.jar");
    assertTrue(Files.isRegularFile(jar), "broker fast-jar missing (build order?): " + jar);
    Path work = Files.createTempDirectory("agent-replicas-");
    RedisServer redis = RedisServer.start();
    try {
      Map<String, String> env = new java.util.LinkedHashMap<>();
      env.putAll(SharedStateEnv.of(redis.url(), SharedStateEnv.writeSealKey(work)));
      // Redis must answer within this, or the call fails closed: generous for a loaded CI machine.
      env.put("BROKER_RATELIMIT_REDIS_TIMEOUT", "2s");
      DemoStack stack =
          DemoStack.start(
              new DemoStack.Options(
                  jar,
                  work,
                  DemoStackPorts.free(),
                  Optional.empty(),
                  env,
                  true,
                  VERB_RULES,
                  true,
                  false));
      return new Replicas(redis, stack, stack.startReplica(DemoStackPorts.free()));
    } catch (Exception | Error e) {
      redis.close();
      throw e;
    }
  }

  URI a() {
    return stack.brokerUrl();
  }

  URI b() {
    return b.url();
  }

  String caller() {
    return stack.callerJwt("agent-launcher", java.time.Instant.now().plus(Duration.ofHours(1)));
  }

  String human(String name) throws IOException {
    return Files.readString(stack.work().resolve(name + ".jwt")).strip();
  }

  /** A JSON call; the answer's status and body (a JSON node, or null when empty). */
  Answer call(URI replica, String method, String path, String jwt, String body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(replica.resolve(path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + jwt)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      r.header("Content-Type", "application/json");
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      r.header(headers[i], headers[i + 1]);
    }
    HttpResponse<String> resp = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    String text = resp.body();
    JsonNode node = text == null || text.isBlank() ? null : JSON.readTree(text);
    return new Answer(resp.statusCode(), node, resp.headers().firstValue("Idempotent-Replayed"));
  }

  /** Mints acme/svc-a contents:read on {@code replica}; the answer (201 with token and lease). */
  Answer mint(URI replica) throws IOException, InterruptedException {
    return call(
        replica,
        "POST",
        "/token",
        caller(),
        "{\"owner\":\"acme\",\"repositories\":[\"svc-a\"],\"permissions\":{\"contents\":\"read\"}}");
  }

  /** Stops replica B hard (SIGKILL) and starts it again on the same port. */
  void restartB() throws Exception {
    int port = b.url().getPort();
    b.kill();
    b = stack.startReplica(port);
  }

  @Override
  public void close() {
    stack.close();
    redis.close();
  }

  record Answer(int status, JsonNode body, Optional<String> replayed) {
    String code() {
      return body == null ? null : body.path("code").asText(null);
    }

    String text(String field) {
      return body.path(field).asText();
    }
  }
}
