package dev.agentbroker.sandbox.internal.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.agentbroker.sandbox.internal.RootRequired;
import dev.agentbroker.sandbox.internal.settings.SubnetPool;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The proxy-only network for real: a namespace, a veth pair and the nftables table, driven from
 * inside the namespace with curl. The "proxy" and a second service both listen on the host's
 * loopback; only the proxy (DNAT-ed) and the credential port may be reached.
 */
class SandboxNetworkTest {
  static final HostCommands HOST = new HostCommands();

  /** A range no other test or run uses. */
  static final SubnetPool POOL = SubnetPool.parse("10.231.7.0/28");

  final List<HttpServer> servers = new ArrayList<>();

  @BeforeAll
  static void prerequisites() {
    RootRequired.check("ip", "nft", "curl");
  }

  @AfterEach
  void stop() {
    servers.forEach(s -> s.stop(0));
  }

  int serve(String address, String body) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getByName(address), 0), 8);
    s.createContext(
        "/",
        x -> {
          byte[] b = body.getBytes(StandardCharsets.UTF_8);
          x.sendResponseHeaders(200, b.length);
          x.getResponseBody().write(b);
          x.close();
        });
    s.start();
    servers.add(s);
    return s.getAddress().getPort();
  }

  /** curl from inside the namespace: the body, or "curl:<exit>" when it could not connect. */
  static String curlIn(SandboxNetwork net, String url) {
    HostCommands.Result r =
        HOST.run(
            List.of(
                "ip",
                "netns",
                "exec",
                net.namespaceName(),
                "curl",
                "-sS",
                "--noproxy",
                "*",
                "-m",
                "5",
                url),
            null);
    return r.ok() ? r.output().trim() : "curl:" + r.status();
  }

  @Test
  void onlyTheProxyAndTheCredentialPortAreReachable() throws IOException {
    int proxy = serve("127.0.0.1", "proxy");
    int other = serve("127.0.0.1", "other loopback service");
    int wildcard = serve("0.0.0.0", "wildcard service");
    try (SandboxNetwork net = SandboxNetwork.create(HOST, POOL)) {
      int cred = serve(net.hostAddress(), "credential");
      net.firewall(InetAddress.getByName("127.0.0.1"), proxy, cred);
      String h = net.hostAddress();
      assertEquals(
          "proxy", curlIn(net, "http://" + h + ":" + proxy + "/"), "the proxy, through DNAT");
      assertEquals("credential", curlIn(net, "http://" + h + ":" + cred + "/"));
      long t0 = System.nanoTime();
      assertTrue(
          curlIn(net, "http://" + h + ":" + other + "/").startsWith("curl:"),
          "another host service");
      assertTrue(
          (System.nanoTime() - t0) / 1_000_000 < 3000, "refused fast (TCP reset), not a timeout");
      assertTrue(
          curlIn(net, "http://" + h + ":" + wildcard + "/").startsWith("curl:"),
          "a wildcard-bound service");
      assertTrue(
          curlIn(net, "http://127.0.0.1:" + proxy + "/").startsWith("curl:"),
          "its own loopback has nothing");
      assertTrue(curlIn(net, "http://192.0.2.1:80/").startsWith("curl:"), "no route anywhere else");
      HostCommands.Result routes =
          HOST.run(List.of("ip", "-n", net.namespaceName(), "route"), null);
      assertFalse(routes.output().contains("default"), "no default route: " + routes.output());
    }
  }

  @Test
  void teardownLeavesNothing() {
    SandboxNetwork net = SandboxNetwork.create(HOST, POOL);
    String ns = net.namespaceName();
    net.firewall(InetAddress.getLoopbackAddress(), 3128, 9);
    net.close();
    net.close(); // idempotent
    assertFalse(
        HOST.run(List.of("ip", "netns", "list"), null).output().contains(ns + " "),
        "namespace removed");
    assertFalse(Files.exists(Path.of("/run/netns", ns)));
    assertFalse(
        HOST.run(List.of("nft", "list", "tables"), null)
            .output()
            .contains("agent_s" + ns.substring(7) + "\n"));
    assertFalse(Files.exists(SandboxNetwork.OWNER_DIR.resolve(ns)), "owner record removed");
    assertFalse(
        HOST.run(List.of("ip", "link", "show", "agh" + ns.substring(7)), null).ok(),
        "host end of the link removed");
  }

  @Test
  void slotsOfDeadLaunchersAreReclaimedAndLiveOnesAreNot() throws IOException {
    // Fill all four slots: three orphans (a dead owner) and one live (this JVM).
    List<SandboxNetwork> live = new ArrayList<>();
    SandboxNetwork mine = SandboxNetwork.create(HOST, POOL);
    live.add(mine);
    try {
      for (int i = 0; i < POOL.slots(); i++) {
        String name = SandboxNetwork.name(i);
        if (name.equals(mine.namespaceName())) {
          continue;
        }
        HOST.run(List.of("ip", "netns", "add", name), null);
        Files.writeString(SandboxNetwork.OWNER_DIR.resolve(name), "999999999 12345");
      }
      SandboxNetwork reclaimed = SandboxNetwork.create(HOST, POOL);
      live.add(reclaimed);
      assertNotEquals(
          mine.namespaceName(), reclaimed.namespaceName(), "a live launcher's slot is never taken");
    } finally {
      live.forEach(SandboxNetwork::close);
      for (int i = 0; i < POOL.slots(); i++) {
        SandboxNetwork.reclaimIfOrphaned(HOST, i);
      }
    }
  }
}
