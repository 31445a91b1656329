package dev.agentbroker.testkit.demo;

import dev.agentbroker.testkit.CallerTokens;
import dev.agentbroker.testkit.TestKeys;
import dev.agentbroker.testkit.github.GitHubSimulator;
import dev.agentbroker.testkit.github.SimulatorFixture;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The embedded default: starts the GitHub App simulator, generates a dev App key and a dev caller
 * issuer, writes a demo policy, then runs the unmodified broker fast-jar as a child process
 * configured through environment variables (ADR 0004), and prints a ready-to-paste curl.
 *
 * <p>Usage: {@code DemoMain <broker-jar> <work-dir> [port]}; {@code --bench} keeps quiet and writes
 * the caller token to {@code work-dir/caller.jwt} for load drivers.
 */
public final class DemoMain {
  static final String ISSUER = "https://dev-issuer.agent-broker.local";
  static final String AUDIENCE = "agent-broker";
  static final String HUMAN_ISSUER = "https://dev-humans.agent-broker.local";

  private DemoMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: DemoMain <broker-jar> <work-dir> [port] [--bench]");
      System.exit(2);
    }
    Path jar = Path.of(args[0]);
    Path work = Path.of(args[1]).toAbsolutePath();
    int port = args.length > 2 && !args[2].startsWith("--") ? Integer.parseInt(args[2]) : 8080;
    boolean bench = List.of(args).contains("--bench");
    if (!Files.isRegularFile(jar)) {
      System.err.println("broker jar not found: " + jar + " (run ./mvnw -B install -DskipTests)");
      System.exit(2);
    }
    Files.createDirectories(work);
    KeyPair appKey = TestKeys.rsa2048();
    KeyPair callerKey = TestKeys.rsa2048();
    KeyPair humanKey = TestKeys.rsa2048();
    Path keyFile = work.resolve("dev-app-key.pem");
    Files.deleteIfExists(keyFile);
    Files.createFile(
        keyFile,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(keyFile, TestKeys.pkcs1Pem(appKey.getPrivate()));
    Path callerPub = work.resolve("dev-caller-issuer-pub.pem");
    Files.writeString(callerPub, TestKeys.publicPem(callerKey.getPublic()));
    Path policy = work.resolve("policy.yaml");
    try (var in = DemoMain.class.getResourceAsStream("/demo/policy.yaml")) {
      Files.write(policy, in.readAllBytes());
    }
    GitHubSimulator sim =
        GitHubSimulator.start(SimulatorFixture.demo(appKey.getPublic()), Clock.systemUTC());
    ProcessBuilder pb = new ProcessBuilder(List.of("java", "-jar", jar.toString()));
    Map<String, String> env = pb.environment();
    env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
    env.put("BROKER_GITHUB_API_URL", sim.baseUri().toString());
    env.put("BROKER_GITHUB_APP_ID", "424242");
    env.put("BROKER_KEY_SOURCE", "file");
    env.put("BROKER_KEY_FILE", keyFile.toString());
    env.put("BROKER_POLICY_FILE", policy.toString());
    env.put("BROKER_AUDIT_JOURNAL_DIR", work.resolve("journal").toString());
    env.put("BROKER_JWT_ISSUERS_DEV_ISSUER", ISSUER);
    env.put("BROKER_JWT_ISSUERS_DEV_PUBLIC_KEY_LOCATION", callerPub.toString());
    env.put("BROKER_JWT_ISSUERS_DEV_AUDIENCES", AUDIENCE);
    // A separate, human-only issuer for the break-glass page (two dev humans: alice and bob).
    Path humanPub = work.resolve("dev-human-issuer-pub.pem");
    Files.writeString(humanPub, TestKeys.publicPem(humanKey.getPublic()));
    env.put("BROKER_JWT_ISSUERS_HUMANS_ISSUER", HUMAN_ISSUER);
    env.put("BROKER_JWT_ISSUERS_HUMANS_PUBLIC_KEY_LOCATION", humanPub.toString());
    env.put("BROKER_JWT_ISSUERS_HUMANS_AUDIENCES", AUDIENCE);
    env.put("BROKER_JWT_ISSUERS_HUMANS_HUMAN", "true");
    env.put("BROKER_BREAKGLASS_STORE_FILE", work.resolve("breakglass.json").toString());
    if (bench) {
      // The benchmark measures the mint path, not the per-identity budget (default 120/minute).
      env.put("BROKER_RATELIMIT_TOKEN_REQUESTS", "100000000/hour");
      env.put("BROKER_RATELIMIT_GLOBAL_GITHUB_BUDGET", "100000000/hour");
      // Decision logging stays on (production cost), but goes to a file, not the terminal.
      pb.redirectErrorStream(true).redirectOutput(work.resolve("broker.log").toFile());
    } else {
      pb.inheritIO();
    }
    Process broker = pb.start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  broker.destroy();
                  sim.close();
                }));
    URI base = URI.create("http://127.0.0.1:" + port);
    if (!awaitReady(base, broker)) {
      System.err.println("broker did not become ready; see its output above");
      broker.destroyForcibly();
      sim.close();
      System.exit(1);
    }
    Instant now = Instant.now();
    String jwt =
        CallerTokens.rs256(ISSUER, callerKey.getPrivate())
            .subject("agent-launcher")
            .audience(AUDIENCE)
            .issuedAt(now)
            .expiresAt(now.plus(Duration.ofHours(8)))
            .sign();
    Files.writeString(work.resolve("caller.jwt"), jwt);
    for (String human : List.of("alice", "bob")) {
      Files.writeString(
          work.resolve(human + ".jwt"),
          CallerTokens.rs256(HUMAN_ISSUER, humanKey.getPrivate())
              .subject(human)
              .audience(AUDIENCE)
              .issuedAt(now)
              .expiresAt(now.plus(Duration.ofHours(8)))
              .sign());
    }
    Files.writeString(work.resolve("broker.url"), base.toString());
    Files.writeString(work.resolve("sim.url"), sim.baseUri().toString());
    if (!bench) {
      printBanner(base, sim, jwt);
    } else {
      System.out.println("READY " + base);
    }
    System.exit(broker.waitFor());
  }

  private static boolean awaitReady(URI base, Process broker) throws InterruptedException {
    HttpClient c = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline && broker.isAlive()) {
      try {
        HttpResponse<Void> r =
            c.send(
                HttpRequest.newBuilder(base.resolve("/q/health/ready")).build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return true;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    return false;
  }

  /** The printed curl embeds a dev caller JWT: a credential of the local demo issuer only. */
  private static void printBanner(URI base, GitHubSimulator sim, String jwt) {
    List<String> lines = new ArrayList<>();
    lines.add("");
    lines.add("agent-broker demo is up: broker " + base + ", GitHub simulator " + sim.baseUri());
    lines.add("Caller identity: agent-launcher (profile autonomous) from the dev issuer " + ISSUER);
    lines.add("");
    lines.add("Mint a token (one repository, contents+pull_requests write):");
    lines.add("");
    lines.add("curl -sS -X POST " + base + "/token \\");
    lines.add("  -H 'Authorization: Bearer " + jwt + "' \\");
    lines.add("  -H 'Content-Type: application/json' \\");
    lines.add(
        "  -d '{\"owner\":\"acme\",\"repositories\":[\"svc-a\"],"
            + "\"permissions\":{\"contents\":\"write\",\"pull_requests\":\"write\"}}'");
    lines.add("");
    lines.add("Ask why without minting: the same call to " + base + "/token/explain");
    lines.add("API docs: " + base + "/q/swagger-ui   metrics: " + base + "/q/metrics");
    lines.add(
        "Break-glass page for humans: "
            + base
            + "/breakglass/ (dev human tokens for alice and bob: "
            + "the alice.jwt and bob.jwt files in the demo folder)");
    lines.add("Ctrl-C stops the broker and the simulator.");
    lines.add("");
    System.out.println(String.join("\n", lines));
  }
}
