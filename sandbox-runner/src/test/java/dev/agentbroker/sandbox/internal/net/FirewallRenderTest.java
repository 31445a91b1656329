package dev.agentbroker.sandbox.internal.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.sandbox.AgentMain;
import dev.agentbroker.sandbox.internal.RootRequired;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code agent firewall render}: the ruleset passes {@code nft -c}, and loaded into a test-made
 * "Docker host" (a namespace with a bridge and a container namespace on it) it lets the container
 * reach the proxy's port on the bridge address and nothing else there.
 */
class FirewallRenderTest {
  static final HostCommands HOST = new HostCommands();
  static final String HOSTNS = "agent-fwtest-host";
  static final String CTRNS = "agent-fwtest-ctr";
  final List<Process> servers = new ArrayList<>();
  @TempDir Path tmp;

  @BeforeAll
  static void prerequisites() {
    RootRequired.check("ip", "nft", "curl", "busybox");
  }

  @AfterEach
  void cleanup() {
    servers.forEach(Process::destroyForcibly);
    HOST.run(List.of("ip", "netns", "del", CTRNS), null);
    HOST.run(List.of("ip", "netns", "del", HOSTNS), null);
  }

  static String render(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> argv = new ArrayList<>(List.of("firewall", "render"));
    argv.addAll(List.of(args));
    int rc =
        AgentMain.execute(
            argv.toArray(String[]::new),
            Map.of(),
            new ByteArrayInputStream(new byte[0]),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Clock.systemUTC());
    assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }

  static void ok(List<String> argv) {
    HostCommands.Result r = HOST.run(argv, null);
    assertTrue(r.ok(), String.join(" ", argv) + ": " + r.output());
  }

  @Test
  void rulesetPassesNftCheck() throws Exception {
    Path f = tmp.resolve("agent.nft");
    Files.writeString(
        f,
        render("--bridge", "br-agent", "--subnet", "172.30.0.0/24", "--proxy", "172.30.0.1:3128"));
    HostCommands.Result r = HOST.run(List.of("nft", "-c", "-f", f.toString()), null);
    assertTrue(r.ok(), r.output());
  }

  @Test
  void containersOnTheBridgeReachOnlyTheProxy() throws Exception {
    ok(List.of("ip", "netns", "add", HOSTNS));
    ok(List.of("ip", "netns", "add", CTRNS));
    ok(List.of("ip", "-n", HOSTNS, "link", "add", "br-agt", "type", "bridge"));
    ok(List.of("ip", "-n", HOSTNS, "addr", "add", "10.77.0.1/24", "dev", "br-agt"));
    ok(List.of("ip", "-n", HOSTNS, "link", "set", "br-agt", "up"));
    ok(List.of("ip", "-n", HOSTNS, "link", "set", "lo", "up"));
    ok(
        List.of(
            "ip", "-n", HOSTNS, "link", "add", "vh0", "type", "veth", "peer", "name", "eth0",
            "netns", CTRNS));
    ok(List.of("ip", "-n", HOSTNS, "link", "set", "vh0", "master", "br-agt", "up"));
    ok(List.of("ip", "-n", CTRNS, "addr", "add", "10.77.0.2/24", "dev", "eth0"));
    ok(List.of("ip", "-n", CTRNS, "link", "set", "eth0", "up"));
    Path www = tmp.resolve("www");
    Files.createDirectories(www);
    Files.writeString(www.resolve("index.html"), "reached\n");
    for (String port : List.of("3128", "8080")) {
      servers.add(
          new ProcessBuilder(
                  "ip",
                  "netns",
                  "exec",
                  HOSTNS,
                  "busybox",
                  "httpd",
                  "-f",
                  "-p",
                  "10.77.0.1:" + port,
                  "-h",
                  www.toString())
              .start());
    }
    Path rules = tmp.resolve("agent.nft");
    Files.writeString(
        rules,
        render("--bridge", "br-agt", "--subnet", "10.77.0.0/24", "--proxy", "10.77.0.1:3128"));
    assertEquals("reached", awaitAnswer("http://10.77.0.1:3128/"));
    String before = awaitAnswer("http://10.77.0.1:8080/");
    assertEquals(
        "reached",
        before,
        "without the rules the other port answers (the test would prove nothing otherwise)");
    ok(List.of("ip", "netns", "exec", HOSTNS, "nft", "-f", rules.toString()));
    assertEquals("reached", curl("http://10.77.0.1:3128/"), "the proxy's port");
    assertTrue(curl("http://10.77.0.1:8080/").startsWith("curl:"), "any other port of the host");
  }

  /** One curl from the container namespace: the body, or "curl:<status> <message>". */
  static String curl(String url) {
    HostCommands.Result r =
        HOST.run(List.of("ip", "netns", "exec", CTRNS, "curl", "-sS", "-m", "3", url), null);
    return r.ok() ? r.output().trim() : "curl:" + r.status() + " " + r.firstLine();
  }

  /** Waits (up to 5 s) for busybox httpd to answer, before the rules are loaded. */
  static String awaitAnswer(String url) throws InterruptedException {
    String last = "";
    for (int i = 0; i < 50; i++) {
      last = curl(url);
      if (!last.startsWith("curl:")) {
        return last;
      }
      Thread.sleep(100);
    }
    return last;
  }
}
