package dev.agentbroker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.testkit.demo.DemoStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input through the real CLI against the real chain: each case is exactly one line on standard
 * error with its stable name, a distinct exit code, no token minted (the simulator counts) and no
 * sandbox started (no namespace, no process).
 */
class AgentErrorsE2ETest {
  static DemoStack chain;
  static Path dir;

  @BeforeAll
  static void start() throws Exception {
    chain = Chain.get();
    dir = Files.createTempDirectory("agent-errors-");
    Files.writeString(
        dir.resolve("expired.jwt"),
        chain.callerJwt("agent-launcher", Instant.now().minusSeconds(60)));
    Files.writeString(
        dir.resolve("stranger.jwt"), chain.callerJwt("stranger", Instant.now().plusSeconds(600)));
    // Well-formed, unexpired, but signed by nobody the broker trusts: only the broker can tell.
    String good = chain.callerJwt("agent-launcher", Instant.now().plusSeconds(600));
    Files.writeString(
        dir.resolve("forged.jwt"),
        good.substring(0, good.lastIndexOf('.') + 1)
            + "AAAA"
            + good.substring(good.lastIndexOf('.') + 5));
    Files.writeString(dir.resolve("garbage.jwt"), "not a jwt");
  }

  static Arguments c(
      String name, int exit, String wire, Consumer<Map<String, String>> env, String... args) {
    return Arguments.of(name, exit, wire, env, args);
  }

  static Consumer<Map<String, String>> set(String k, String v) {
    return e -> e.put(k, v);
  }

  static Consumer<Map<String, String>> unset(String k) {
    return e -> e.remove(k);
  }

  static final Consumer<Map<String, String>> AS_IS = e -> {};

  static Stream<Arguments> cases() {
    String[] run = {"run", "--repo", "acme/svc-a", "--", "true"};
    return Stream.of(
        c(
            "unknown runtime",
            64,
            "usage",
            AS_IS,
            "run",
            "--runtime",
            "lxc",
            "--repo",
            "acme/svc-a",
            "--",
            "true"),
        c("--repo without owner", 64, "usage", AS_IS, "run", "--repo", "svc-a", "--", "true"),
        c(
            "--repo with a path",
            64,
            "usage",
            AS_IS,
            "run",
            "--repo",
            "acme/svc-a/../svc-b",
            "--",
            "true"),
        c(
            "misspelt permission",
            64,
            "usage",
            AS_IS,
            "run",
            "--repo",
            "acme/svc-a",
            "--permissions",
            "content=write",
            "--",
            "true"),
        c(
            "bad timeout",
            64,
            "usage",
            AS_IS,
            "run",
            "--repo",
            "acme/svc-a",
            "--timeout",
            "forever",
            "--",
            "true"),
        c("unknown flag", 64, "usage", AS_IS, "run", "--repos", "acme/svc-a"),
        c("no command", 64, "usage", AS_IS),
        c("no broker url", 65, "settings", unset("AGENT_BROKER_URL"), run),
        c("proxy not host:port", 65, "settings", set("AGENT_EGRESS_PROXY", "localhost"), run),
        c(
            "proxy not on this host",
            65,
            "settings",
            set("AGENT_EGRESS_PROXY", "192.0.2.1:3128"),
            run),
        c(
            "caller token file missing",
            66,
            "caller_credential",
            set("AGENT_CALLER_TOKEN_FILE", "/nonexistent/caller.jwt"),
            run),
        c(
            "caller token not a JWT",
            66,
            "caller_credential",
            set("AGENT_CALLER_TOKEN_FILE", dir.resolve("garbage.jwt").toString()),
            run),
        c(
            "caller token command fails",
            66,
            "caller_credential",
            e -> {
              e.remove("AGENT_CALLER_TOKEN_FILE");
              e.put("AGENT_CALLER_TOKEN_COMMAND", "exit 3");
            },
            run),
        c(
            "expired caller JWT",
            67,
            "unauthenticated",
            set("AGENT_CALLER_TOKEN_FILE", dir.resolve("expired.jwt").toString()),
            run),
        c(
            "forged caller JWT",
            67,
            "unauthenticated",
            set("AGENT_CALLER_TOKEN_FILE", dir.resolve("forged.jwt").toString()),
            run),
        c(
            "repository outside the grant",
            68,
            "policy_denied",
            AS_IS,
            "run",
            "--repo",
            "acme/release-tools",
            "--",
            "true"),
        c(
            "another owner",
            68,
            "policy_denied",
            AS_IS,
            "run",
            "--repo",
            "octocat/hello-world",
            "--",
            "true"),
        c(
            "permission above the grant",
            68,
            "policy_denied",
            AS_IS,
            "run",
            "--repo",
            "acme/svc-a",
            "--permissions",
            "administration=write",
            "--",
            "true"),
        c(
            "unknown identity",
            68,
            "policy_denied",
            set("AGENT_CALLER_TOKEN_FILE", dir.resolve("stranger.jwt").toString()),
            run),
        c(
            "broker down",
            69,
            "broker_unavailable",
            set("AGENT_BROKER_URL", "http://127.0.0.1:9"),
            run),
        c(
            "proxy unreachable",
            71,
            "egress_unreachable",
            set("AGENT_EGRESS_PROXY", "127.0.0.1:9"),
            run),
        c("token: denied", 68, "policy_denied", AS_IS, "token", "--repo", "acme/release-tools"),
        c(
            "token: broker down",
            69,
            "broker_unavailable",
            set("AGENT_BROKER_URL", "http://127.0.0.1:9"),
            "token",
            "--repo",
            "acme/svc-a"),
        c("credential: bad action", 64, "usage", AS_IS, "credential", "fetch"),
        c(
            "firewall: proxy name",
            64,
            "usage",
            AS_IS,
            "firewall",
            "render",
            "--bridge",
            "br0",
            "--subnet",
            "172.30.0.0/24",
            "--proxy",
            "proxy:3128"));
  }

  @ParameterizedTest(name = "{0} -> {1} {2}")
  @MethodSource("cases")
  void oneLineADistinctCodeAndNothingDone(
      String name, int exit, String wire, Consumer<Map<String, String>> edit, String[] args)
      throws Exception {
    Map<String, String> env = new java.util.LinkedHashMap<>(Chain.agentEnv());
    edit.accept(env);
    int issued = chain.simulator().issuedTokenCount();
    Agent.Result r = Agent.run(env, args);
    List<String> lines = new ArrayList<>(r.errorLines());
    assertEquals(exit, r.exit(), name + ": " + r.err());
    assertEquals(1, lines.size(), name + ": exactly one line: " + r.err());
    assertTrue(lines.get(0).startsWith("agent: " + wire + ": "), name + ": " + lines.get(0));
    assertEquals("", r.out(), name + ": nothing on standard output");
    assertEquals(
        issued,
        chain.simulator().issuedTokenCount(),
        name + ": nothing minted (" + Arrays.toString(args) + ")");
    assertEquals(List.of(), Chain.sandboxNamespaces(), name + ": nothing started");
  }
}
