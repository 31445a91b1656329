package dev.agentbroker.testkit.demo;

import dev.agentbroker.testkit.redis.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The embedded default behind {@code ./run-demo}: a {@link DemoStack} (GitHub App simulator, local
 * HTTPS git host, the broker fast-jar and the egress proxy as child processes), then a banner with
 * a ready-to-paste {@code curl} and {@code ./agent} command.
 *
 * <p>Usage: {@code DemoMain <broker-jar> <work-dir> [port] [--bench] [--classic-tokens]}; the
 * egress proxy starts when {@code DEMO_EGRESS_CLASSPATH} names its classpath. {@code --bench} keeps
 * quiet, lifts the rate limits and writes the caller token to {@code work-dir/caller.jwt} for load
 * drivers. {@code --classic-tokens}: the simulator mints 40-character tokens (GitHub's format until
 * 2026) instead of ~520-character stateless ones. The broker JVM's options come from {@value
 * BrokerJvm#ENV} (default {@value BrokerJvm#DEFAULT_OPTS}). {@code --replicas N} starts a real
 * {@code redis-server} and N brokers on consecutive ports sharing it ({@code broker.state.store=
 * redis}, ADR 0020); their URLs go to {@code work-dir/broker-urls}, Redis's to {@code
 * work-dir/redis.url}; {@code --shared-state} does the same for one broker (the replica benchmark's
 * baseline).
 */
public final class DemoMain {
  private DemoMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println(
          "usage: DemoMain <broker-jar> <work-dir> [port] [--bench] [--classic-tokens] [--inject]"
              + " [--replicas N] [--shared-state]");
      System.exit(2);
    }
    Path jar = Path.of(args[0]);
    Path work = Path.of(args[1]).toAbsolutePath();
    int port = args.length > 2 && !args[2].startsWith("--") ? Integer.parseInt(args[2]) : 8080;
    boolean bench = List.of(args).contains("--bench");
    boolean classic = List.of(args).contains("--classic-tokens");
    // The proxy injects the GitHub credential for the sandboxes (agent run --inject, ADR 0017).
    boolean inject = List.of(args).contains("--inject");
    if (!Files.isRegularFile(jar)) {
      System.err.println("broker jar not found: " + jar + " (run ./mvnw -B install -DskipTests)");
      System.exit(2);
    }
    int replicas = replicas(args);
    Map<String, String> extra = new java.util.LinkedHashMap<>();
    if (bench) {
      // The benchmark measures the mint path, not the per-identity budget (default 120/minute).
      extra.put("BROKER_RATELIMIT_TOKEN_REQUESTS", "100000000/hour");
      extra.put("BROKER_RATELIMIT_GLOBAL_GITHUB_BUDGET", "100000000/hour");
    }
    RedisServer redis = null;
    if (replicas > 1 || List.of(args).contains("--shared-state")) {
      // Several replicas share one real Redis for rate limits, leases and break-glass (ADR 0020).
      redis = RedisServer.start();
      Files.createDirectories(work);
      extra.putAll(SharedStateEnv.of(redis.url(), SharedStateEnv.writeSealKey(work)));
      Files.writeString(work.resolve("redis.url"), redis.url() + "\n");
    }
    Optional<String> egress =
        Optional.ofNullable(System.getenv("DEMO_EGRESS_CLASSPATH")).filter(s -> !s.isBlank());
    DemoStack stack;
    try {
      stack =
          DemoStack.start(
              new DemoStack.Options(jar, work, port, egress, extra, bench, "", classic, inject));
    } catch (IllegalStateException e) {
      System.err.println(e.getMessage());
      System.exit(1);
      return;
    }
    List<String> urls = new ArrayList<>(List.of(stack.brokerUrl().toString()));
    for (int i = 1; i < replicas; i++) {
      urls.add(stack.startReplica(port + i).url().toString());
    }
    Files.writeString(work.resolve("broker-urls"), String.join("\n", urls) + "\n");
    RedisServer shared = redis;
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stack.close();
                  if (shared != null) {
                    shared.close();
                  }
                }));
    if (bench) {
      System.out.println("READY " + stack.brokerUrl());
    } else {
      printBanner(stack);
    }
    System.exit(stack.broker().waitFor());
  }

  /** {@code --replicas N} (1 to 8; default 1): brokers on ports port, port+1, …. */
  private static int replicas(String[] args) {
    List<String> a = List.of(args);
    int i = a.indexOf("--replicas");
    if (i < 0) {
      return 1;
    }
    int n = i + 1 < a.size() && a.get(i + 1).matches("[1-8]") ? Integer.parseInt(a.get(i + 1)) : 0;
    if (n == 0) {
      System.err.println("--replicas takes a number from 1 to 8");
      System.exit(2);
    }
    return n;
  }

  /** The printed curl embeds a dev caller JWT: a credential of the local demo issuer only. */
  private static void printBanner(DemoStack s) throws java.io.IOException {
    String jwt = Files.readString(s.work().resolve("caller.jwt"));
    String base = s.brokerUrl().toString();
    Path rel = Path.of("").toAbsolutePath().relativize(s.work());
    List<String> lines = new ArrayList<>();
    lines.add("");
    lines.add(
        "agent-broker demo is up: broker "
            + base
            + ", GitHub simulator "
            + s.simulator().baseUri()
            + ", git host "
            + s.git().baseUri()
            + s.egressProxy().map(e -> ", egress proxy " + e).orElse(""));
    lines.add(
        "Caller identity: agent-launcher (profile autonomous) from the dev issuer "
            + DemoStack.ISSUER);
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
    if (s.injectControlUrl().isPresent()) {
      lines.add("");
      lines.add(
          "Run git in a sandbox that holds no GitHub credential (as root; the egress proxy adds it):");
      lines.add("");
      lines.add(". " + rel.resolve("agent.env"));
      lines.add(
          "./agent run --inject --runtime bwrap --repo acme/svc-a -- git ls-remote https://github.com:"
              + s.git().port()
              + "/acme/svc-a.git");
    } else if (s.egressProxy().isPresent()) {
      lines.add("");
      lines.add(
          "Run a command in a sandbox (as root; needs bubblewrap, nftables) that reaches the git host only");
      lines.add("through the egress proxy, with a token for acme/svc-a alone, revoked at exit:");
      lines.add("");
      lines.add(". " + rel.resolve("agent.env"));
      lines.add(
          "./agent run --runtime bwrap --repo acme/svc-a -- git ls-remote "
              + s.git().repoUrl("acme/svc-a"));
    }
    lines.add("");
    lines.add("OpenAPI: " + base + "/q/openapi   metrics: " + base + "/q/metrics");
    lines.add(
        "Break-glass page for humans: "
            + s.breakGlassPage()
            + " (sign in at the dev SSO as alice/alice or bob/bob; bearer tokens for scripts:"
            + " the alice.jwt and bob.jwt files in the demo folder)");
    lines.add("Ctrl-C stops the broker, the proxy and the simulators.");
    lines.add("");
    System.out.println(String.join("\n", lines));
  }
}
