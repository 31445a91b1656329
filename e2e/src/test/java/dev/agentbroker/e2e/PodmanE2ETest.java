package dev.agentbroker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.testkit.demo.DemoStack;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same chain with podman (rootful, runc) and the agent image built from
 * sandbox-runner/image/Containerfile: git works for the run's repository through the proxy, nothing
 * else gets out, the token is revoked, and no container or namespace is left — also after a
 * timeout, where the container is removed by name.
 */
class PodmanE2ETest {
  static DemoStack chain;
  static Map<String, String> env;

  @BeforeAll
  static void start() throws Exception {
    chain = Chain.get();
    Path storage = AgentImage.storage();
    env = new java.util.LinkedHashMap<>(Chain.agentEnv());
    env.put("AGENT_RUNTIME", "podman");
    env.put("AGENT_IMAGE", AgentImage.TAG);
    env.put("AGENT_PODMAN_ROOT", storage.resolve("root").toString());
    env.put("AGENT_PODMAN_RUNROOT", storage.resolve("runroot").toString());
  }

  @Test
  void gitThroughTheProxyInTheAgentImage() throws Exception {
    int active = chain.simulator().activeTokenCount();
    String before = chain.git().ref("acme/svc-a", "refs/heads/main");
    String repo = chain.git().repoUrl("acme/svc-a");
    String script =
        String.join(
            "\n",
            "id -u",
            "git clone -q " + repo + " r && cd r",
            "git -c user.name=agent -c user.email=agent@example.invalid commit -q --allow-empty -m podman",
            "git push -q origin HEAD:main && echo PUSH-OK",
            "git ls-remote "
                + chain.git().repoUrl("acme/svc-b")
                + " >/dev/null 2>&1 && echo OTHER-REACHED || echo other-refused",
            "curl -sS -m 5 https://example.invalid >/dev/null 2>&1 && echo EXAMPLE-REACHED || echo example-refused",
            "curl -sS -m 5 --noproxy '*' http://192.0.2.1/ >/dev/null 2>&1 && echo INTERNET-REACHED || echo internet-refused",
            "touch /etc/x 2>/dev/null && echo ROOT-WRITABLE || echo root-read-only",
            "grep -E '^(CapEff|NoNewPrivs)' /proc/self/status");
    Agent.Result r = Agent.run(env, "run", "--repo", "acme/svc-a", "--", "sh", "-c", script);
    assertEquals(0, r.exit(), r.err() + r.out());
    for (String expected :
        List.of(
            "1000\n",
            "PUSH-OK",
            "other-refused",
            "example-refused",
            "internet-refused",
            "root-read-only",
            "CapEff:\t0000000000000000",
            "NoNewPrivs:\t1")) {
      assertTrue(r.out().contains(expected), expected + " in:\n" + r.out() + r.err());
    }
    assertNotEquals(before, chain.git().ref("acme/svc-a", "refs/heads/main"));
    assertEquals(active, chain.simulator().activeTokenCount(), "revoked");
    assertEquals(List.of(), AgentImage.containers(), "--rm removed the container");
    assertEquals(List.of(), Chain.sandboxNamespaces());
  }

  @Test
  void timeoutRemovesTheContainerByName() throws Exception {
    int active = chain.simulator().activeTokenCount();
    Agent.Result r =
        Agent.run(
            env,
            "run",
            "--repo",
            "acme/svc-a",
            "--timeout",
            "3s",
            "--",
            "sh",
            "-c",
            "trap '' TERM; sleep 300");
    assertEquals(124, r.exit(), r.err());
    assertTrue(r.ms() < 40_000, r.ms() + " ms");
    assertEquals(active, chain.simulator().activeTokenCount(), "revoked");
    assertEquals(
        List.of(), AgentImage.containers(), "the container is gone even though it ignored TERM");
    assertEquals(List.of(), Chain.sandboxNamespaces());
  }
}
