package dev.agentbroker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.testkit.demo.DemoStack;
import dev.agentbroker.testkit.github.GitHubSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * caller → broker → narrow token → bubblewrap sandbox → egress proxy → git host, for real: the
 * sandbox's git works for its one repository and nothing else gets out; the token is revoked
 * however the run ends (exit, timeout, crash, SIGTERM) and nothing of the sandbox is left behind.
 */
class AgentRunE2ETest {
  static DemoStack chain;
  static GitHubSimulator sim;
  static String repoA;

  @BeforeAll
  static void start() throws Exception {
    chain = Chain.get();
    sim = chain.simulator();
    repoA = chain.git().repoUrl("acme/svc-a");
  }

  @Test
  void gitWorksForItsRepositoryAndNothingElseGetsOut() throws Exception {
    int issued = sim.issuedTokenCount();
    int active = sim.activeTokenCount();
    String before = chain.git().ref("acme/svc-a", "refs/heads/main");
    String script =
        String.join(
            "\n",
            "set -u",
            "git ls-remote " + repoA + " | grep -q refs/heads/main && echo LS-REMOTE-OK",
            "git clone -q " + repoA + " repo && cd repo",
            "git -c user.name=agent -c user.email=agent@example.invalid commit -q --allow-empty -m from-sandbox",
            "git push -q origin HEAD:main && echo PUSH-OK",
            "cd ..",
            "git ls-remote "
                + chain.git().repoUrl("acme/svc-b")
                + " >/dev/null 2>&1 && echo OTHER-REPO-REACHED || echo other-repo-refused",
            "curl -sS -m 5 https://example.invalid >/dev/null 2>&1 && echo EXAMPLE-REACHED || echo example-refused",
            "H=${AGENT_CREDENTIAL_URL#http://}; H=${H%:*}",
            "curl -sS -m 5 --noproxy '*' http://$H:"
                + chain.brokerUrl().getPort()
                + "/q/health/live >/dev/null 2>&1 && echo BROKER-REACHED || echo broker-refused",
            "curl -sS -m 5 --noproxy '*' "
                + chain.simulator().baseUri()
                + "/app >/dev/null 2>&1 && echo SIM-REACHED || echo sim-refused",
            "curl -sS -m 5 --noproxy '*' https://localhost:"
                + chain.git().port()
                + "/ >/dev/null 2>&1 && echo GIT-DIRECT-REACHED || echo git-direct-refused",
            "curl -sS -m 5 --noproxy '*' http://192.0.2.1/ >/dev/null 2>&1 && echo INTERNET-REACHED || echo internet-refused",
            "id -u; echo sandbox=$AGENT_SANDBOX");
    Agent.Result r =
        Agent.run(Chain.agentEnv(), "run", "--repo", "acme/svc-a", "--", "sh", "-c", script);
    assertEquals(0, r.exit(), r.err() + r.out());
    for (String expected :
        List.of(
            "LS-REMOTE-OK",
            "PUSH-OK",
            "other-repo-refused",
            "example-refused",
            "broker-refused",
            "sim-refused",
            "git-direct-refused",
            "internet-refused",
            "1000\nsandbox=1")) {
      assertTrue(r.out().contains(expected), expected + " in:\n" + r.out() + r.err());
    }
    assertNotEquals(before, chain.git().ref("acme/svc-a", "refs/heads/main"), "the push landed");
    assertEquals(issued + 1, sim.issuedTokenCount(), "one token for the whole run");
    assertEquals(active, sim.activeTokenCount(), "and it was revoked at exit");
    assertTrue(r.err().contains("outcome=revoked"), r.err());
    assertEquals(List.of(), Chain.sandboxNamespaces(), "no network namespace left");
    String egressLog = Files.readString(chain.work().resolve("egress.log"));
    assertTrue(
        egressLog.contains("outcome=allowed")
            && egressLog.contains("host=localhost port=" + chain.git().port()),
        egressLog);
    assertTrue(egressLog.contains("host=example.invalid"), "the proxy saw and refused it");
  }

  @Test
  void timeoutStopsTheSandboxAndRevokes() throws Exception {
    int active = sim.activeTokenCount();
    String sleep = "sleep " + (3000 + System.nanoTime() % 1000);
    Agent.Result r =
        Agent.run(
            Chain.agentEnv(),
            "run",
            "--repo",
            "acme/svc-a",
            "--timeout",
            "2s",
            "--",
            "sh",
            "-c",
            sleep + "; true");
    assertEquals(124, r.exit(), r.err());
    assertTrue(r.ms() < 20_000, "stopped within the grace period: " + r.ms() + " ms");
    assertTrue(r.err().contains("outcome=timeout"), r.err());
    assertEquals(active, sim.activeTokenCount(), "revoked");
    assertFalse(Processes.anyCommandLineIs(sleep), "no process of the sandbox is left");
    assertEquals(List.of(), Chain.sandboxNamespaces());
  }

  @Test
  void sigtermToTheLauncherRevokesAndCleansUp() throws Exception {
    int active = sim.activeTokenCount();
    String sleep = "sleep " + (4000 + System.nanoTime() % 1000);
    Agent a =
        Agent.start(
            Chain.agentEnv(),
            null,
            "run",
            "--repo",
            "acme/svc-a",
            "--",
            "sh",
            "-c",
            sleep + "; true");
    Agent.Result r;
    try {
      Processes.await(
          () -> Processes.anyCommandLineIs(sleep), Duration.ofSeconds(30), "the sandbox to start");
      assertEquals(active + 1, sim.activeTokenCount());
    } finally {
      a.process.destroy(); // SIGTERM, as a supervisor or `kill` would send
      r = a.await(Duration.ofSeconds(30));
    }
    assertEquals(143, r.exit(), r.err());
    assertEquals(active, sim.activeTokenCount(), "revoked on SIGTERM");
    assertFalse(Processes.anyCommandLineIs(sleep), "the sandbox died with the launcher");
    assertEquals(List.of(), Chain.sandboxNamespaces());
  }

  @Test
  void aCrashedSandboxStillRevokes() throws Exception {
    int active = sim.activeTokenCount();
    Agent.Result r =
        Agent.run(Chain.agentEnv(), "run", "--repo", "acme/svc-a", "--", "sh", "-c", "kill -9 $$");
    assertEquals(137, r.exit(), "the command's own status: " + r.err());
    assertEquals(active, sim.activeTokenCount(), "revoked");
    assertEquals(List.of(), Chain.sandboxNamespaces());
  }

  @Test
  void theTokenNeverShowsOnACommandLineInAnEnvironmentOrALog(
      @org.junit.jupiter.api.io.TempDir Path ws) throws Exception {
    ws.toFile().setWritable(true, false);
    ws.toFile().setExecutable(true, false);
    Agent a =
        Agent.start(
            Chain.agentEnv(),
            null,
            "run",
            "--repo",
            "acme/svc-a",
            "--workspace",
            ws.toString(),
            "--",
            "sh",
            "-c",
            "agent-token > /workspace/token && touch /workspace/ready && sleep 30");
    String token;
    List<String> leaks;
    Agent.Result r;
    try {
      Processes.await(
          () -> Files.exists(ws.resolve("ready")),
          Duration.ofSeconds(30),
          "the sandbox to fetch its token");
      token = Files.readString(ws.resolve("token")).trim();
      assertTrue(
          token.length() >= 20 && sim.contentsAccess(token, "acme", "svc-a").isPresent(),
          "a live token for svc-a");
      assertEquals(
          java.util.Optional.empty(),
          sim.contentsAccess(token, "acme", "svc-b"),
          "and for nothing else");
      leaks = Processes.whereVisible(token);
    } finally {
      a.process.destroy();
      r = a.await(Duration.ofSeconds(30));
    }
    assertEquals(
        List.of(), leaks, "command lines and environments of every process, sandbox included");
    assertFalse(r.err().contains(token) || r.out().contains(token), "launcher output");
    for (String log : List.of("broker.log", "egress.log")) {
      assertFalse(Files.readString(chain.work().resolve(log)).contains(token), log);
    }
    Files.delete(ws.resolve("token"));
    assertFalse(sim.contentsAccess(token, "acme", "svc-a").isPresent(), "revoked at the end");
  }
}
