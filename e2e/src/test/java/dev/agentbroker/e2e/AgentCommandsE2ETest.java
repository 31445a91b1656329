package dev.agentbroker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.testkit.demo.DemoStack;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code agent token}, {@code agent shell} and {@code agent doctor} against the real chain. */
class AgentCommandsE2ETest {
  static DemoStack chain;

  @BeforeAll
  static void start() throws Exception {
    chain = Chain.get();
  }

  @Test
  void tokenPrintsExactlyOneTokenForThatRepositoryOnly() throws Exception {
    Agent.Result r =
        Agent.run(
            Chain.agentEnv(),
            "token",
            "-q",
            "--repo",
            "acme/svc-a",
            "--permissions",
            "contents=read");
    assertEquals(0, r.exit(), r.err());
    assertEquals("", r.err(), "-q: nothing on standard error");
    List<String> lines = r.out().lines().toList();
    assertEquals(1, lines.size(), "one line, the token: GH_TOKEN=$(agent token …) works");
    String token = lines.get(0);
    assertEquals(Optional.of("read"), chain.simulator().contentsAccess(token, "acme", "svc-a"));
    assertEquals(Optional.empty(), chain.simulator().contentsAccess(token, "acme", "svc-b"));
  }

  @Test
  void shellRunsWithTheTerminalsStandardInput() throws Exception {
    Agent a =
        Agent.start(
            Chain.agentEnv(), "echo from-stdin; exit 3\n", "shell", "-q", "--repo", "acme/svc-a");
    Agent.Result r = a.await(java.time.Duration.ofSeconds(60));
    assertEquals(3, r.exit(), r.err());
    assertTrue(r.out().contains("from-stdin"), r.out());
    assertEquals(List.of(), Chain.sandboxNamespaces());
  }

  @Test
  void doctorSaysWhatWorksAndWhatToFix() throws Exception {
    Agent.Result ok = Agent.run(Chain.agentEnv(), "doctor", "--repo", "acme/svc-a");
    assertEquals(0, ok.exit(), ok.out());
    for (String line :
        List.of(
            "ok    broker",
            "ok    caller credential",
            "ok    policy",
            "ok    runtime bwrap",
            "ok    egress proxy")) {
      assertTrue(ok.out().contains(line), line + " in:\n" + ok.out());
    }
    Map<String, String> broken = new java.util.LinkedHashMap<>(Chain.agentEnv());
    broken.put("AGENT_BROKER_URL", "http://127.0.0.1:9");
    broken.put("AGENT_EGRESS_PROXY", "127.0.0.1:9");
    Agent.Result bad = Agent.run(broken, "doctor", "--repo", "acme/release-tools");
    assertEquals(1, bad.exit(), bad.out());
    assertTrue(
        bad.out().contains("FAIL  broker") && bad.out().contains("connection refused"), bad.out());
    assertTrue(bad.out().contains("FAIL  egress proxy"), bad.out());
    Agent.Result denied = Agent.run(Chain.agentEnv(), "doctor", "--repo", "acme/release-tools");
    assertEquals(1, denied.exit());
    assertTrue(
        denied.out().contains("FAIL  policy             denied: repository_not_granted"),
        denied.out());
  }
}
