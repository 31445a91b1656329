package dev.agentbroker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.agentbroker.sandbox.internal.host.Host;
import dev.agentbroker.testkit.demo.DemoStack;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The docker runtime through the real docker CLI, against {@code podman system service} (Docker's
 * API, served by podman on a socket of this test, on the agent image's storage): the same
 * guarantees as the podman runtime. Debian has no package with the docker CLI alone (only the whole
 * engine, docker.io), so this runs where a docker CLI is installed — the project's CI machines have
 * one — and is reported as skipped, with this reason, elsewhere.
 */
class DockerCliE2ETest {
  static DemoStack chain;
  static Process service;
  static Map<String, String> env;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(
        Host.which("docker").isPresent(),
        "no docker CLI on this machine (Debian packages it only with the engine); the docker runtime is covered by golden command lines here");
    chain = Chain.get();
    Path storage = AgentImage.storage();
    Path sock = storage.resolve("docker.sock");
    service =
        new ProcessBuilder(
                "podman",
                "--root",
                storage.resolve("root").toString(),
                "--runroot",
                storage.resolve("runroot").toString(),
                "--runtime",
                "runc",
                "system",
                "service",
                "--time=0",
                "unix://" + sock)
            .redirectErrorStream(true)
            .redirectOutput(storage.resolve("service.log").toFile())
            .start();
    Processes.await(() -> answers(sock), java.time.Duration.ofSeconds(30), "podman system service");
    env = new java.util.LinkedHashMap<>(Chain.agentEnv());
    env.put("AGENT_RUNTIME", "docker");
    env.put("AGENT_IMAGE", AgentImage.TAG);
    env.put("DOCKER_HOST", "unix://" + sock);
  }

  static boolean answers(Path sock) {
    if (!Files.exists(sock)) {
      return false;
    }
    try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      return c.connect(UnixDomainSocketAddress.of(sock));
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.destroy();
    }
  }

  @Test
  void gitThroughTheProxyWithTheDockerCli() throws Exception {
    int active = chain.simulator().activeTokenCount();
    String script =
        String.join(
            "\n",
            "id -u",
            "git ls-remote "
                + chain.git().repoUrl("acme/svc-a")
                + " | grep -q refs/heads/main && echo LS-REMOTE-OK",
            "curl -sS -m 5 https://example.invalid >/dev/null 2>&1 && echo EXAMPLE-REACHED || echo example-refused",
            "touch /etc/x 2>/dev/null && echo ROOT-WRITABLE || echo root-read-only");
    Agent.Result r = Agent.run(env, "run", "--repo", "acme/svc-a", "--", "sh", "-c", script);
    assertEquals(0, r.exit(), r.err() + r.out());
    for (String expected : List.of("1000\n", "LS-REMOTE-OK", "example-refused", "root-read-only")) {
      assertTrue(r.out().contains(expected), expected + " in:\n" + r.out() + r.err());
    }
    assertEquals(active, chain.simulator().activeTokenCount(), "revoked");
    assertEquals(List.of(), AgentImage.containers(), "removed");
    assertEquals(List.of(), Chain.sandboxNamespaces());
  }
}
