package dev.agentbroker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Closeable;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Threat model SBX-E1: from inside a real bubblewrap sandbox, nothing but the proxy leaves — UDP,
 * DNS (UDP and TCP 53), IPv6 (link-local to the host end of the veth, the host's global addresses)
 * and TCP to a port other than the proxy's. The host side listens on every one of those (wildcard
 * dual-stack sockets, which cover the link's IPv4 and IPv6 addresses and 127.0.0.1, plus sockets on
 * the link's own addresses for port 53, on 127.0.0.1 and on the proxy's UDP twin) and records
 * anything that arrives; the sandbox meanwhile shows its proxy path works.
 */
class SandboxNetworkEscapeE2ETest {
  @TempDir Path ws;
  private final List<Closeable> open = new ArrayList<>();
  private final List<String> arrived = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void chain() throws Exception {
    Chain.get();
  }

  @AfterEach
  void closeAll() throws IOException {
    for (Closeable c : open) {
      c.close();
    }
  }

  @Test
  void udpDnsIpv6AndOtherTcpPortsNeverReachTheHost() throws Exception {
    int udp = udp(new InetSocketAddress(0), "udp-any");
    int udpLoopback = udp(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), "udp-lo");
    int tcp = tcp(new InetSocketAddress(0), "tcp-any");
    String proxy = Chain.agentEnv().get("AGENT_EGRESS_PROXY");
    int proxyPort = Integer.parseInt(proxy.substring(proxy.lastIndexOf(':') + 1));
    // The proxy's port number over UDP: the DNAT rule is for TCP only.
    udp(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), proxyPort), "udp-proxy-port");

    Agent.Result r;
    String linkLocal;
    try (PausedSandbox sandbox = PausedSandbox.start(ws, probes())) {
      Map<String, String> facts = sandbox.facts();
      String h = facts.get("host");
      String hostIf = hostInterface(h);
      linkLocal = hostLinkLocal(hostIf);
      // DNS on the link's own addresses (the wildcard :53 may be a local resolver's).
      udp(new InetSocketAddress(InetAddress.getByName(h), 53), "dns-udp");
      tcp(new InetSocketAddress(InetAddress.getByName(h), 53), "dns-tcp");
      udp(new InetSocketAddress(InetAddress.getByName(linkLocal + "%" + hostIf), 53), "dns6-udp");
      tcp(new InetSocketAddress(InetAddress.getByName(linkLocal + "%" + hostIf), 53), "dns6-tcp");
      Map<String, String> vars = new LinkedHashMap<>();
      vars.put("U", Integer.toString(udp));
      vars.put("U2", Integer.toString(udpLoopback));
      vars.put("T", Integer.toString(tcp));
      vars.put("P", Integer.toString(proxyPort));
      vars.put("LL", linkLocal);
      vars.put("G6", String.join(" ", hostGlobalV6()) + " 2001:db8::1");
      vars.put("REPO", Chain.get().git().repoUrl("acme/svc-a"));
      r = sandbox.go(vars, Duration.ofMinutes(2));
    }
    Thread.sleep(500); // a datagram still in flight would land now
    String out = r.out() + r.err();
    assertEquals(0, r.exit(), out);
    assertTrue(out.contains("SCRIPT-DONE"), out);
    assertTrue(out.contains("PROXY-OK"), "the proxy path works from the same sandbox:\n" + out);
    assertTrue(
        out.contains("v6-inside=yes"), "the sandbox has an IPv6 link-local address:\n" + out);
    assertEquals(List.of(), arrived, "nothing but the proxy reaches the host:\n" + out);
    for (String tcpProbe : List.of("tcp-v4", "tcp-lo", "tcp-ll", "dns-tcp", "dns6-tcp", "tcp-g6")) {
      assertTrue(out.contains(tcpProbe + "=refused"), tcpProbe + " in:\n" + out);
    }
    assertTrue(out.contains("dns-lookup=failed"), out);
    assertTrue(out.contains("curl-ll=failed"), out);
  }

  /**
   * The sandbox side (bash's /dev/udp and /dev/tcp, busybox nslookup, curl). Every UDP datagram
   * carries its probe's name; TCP probes print {@code NAME=connected} or {@code NAME=refused}.
   */
  private static String probes() {
    return String.join(
        "\n",
        "git ls-remote $REPO | grep -q refs/heads/main && echo PROXY-OK",
        // Wait out duplicate address detection (flag 0x40: tentative) so link-local sends are
        // really attempted.
        "ll() { local a x l sc f n; while read -r a x l sc f n; do [ \"$n\" = \"$IF\" ] && [ \"$sc\" = 20 ]"
            + " && [ $((0x$f & 0x40)) = 0 ] && return 0; done < /proc/net/if_inet6; return 1; }",
        "k=0; while ! ll && [ $k -lt 50 ]; do sleep 0.1; k=$((k+1)); done",
        "ll && echo v6-inside=yes || echo v6-inside=no",
        "send() { (echo \"$1\" > \"/dev/udp/$2/$3\") 2>/dev/null; }",
        "conn() { timeout 5 bash -c \"exec 3<>/dev/tcp/$2/$3\" 2>/dev/null"
            + " && echo \"$1=connected\" || echo \"$1=refused\"; }",
        "for n in 1 2 3; do",
        "  send udp-v4 $H $U; send udp-v4-lo-port $H $U2; send udp-own-lo 127.0.0.1 $U2",
        "  send udp-proxy-port $H $P; send dns-udp $H 53",
        "  send udp-ll \"$LL%$IF\" $U; send dns6-udp \"$LL%$IF\" 53",
        "  for g in $G6; do send udp-g6 $g $U; done",
        "done",
        "conn tcp-v4 $H $T; conn tcp-lo 127.0.0.1 $T; conn tcp-ll \"$LL%$IF\" $T",
        "conn dns-tcp $H 53; conn dns6-tcp \"$LL%$IF\" 53",
        "for g in $G6; do conn tcp-g6 $g $T; done",
        "timeout 10 busybox nslookup example.com $H >/dev/null 2>&1"
            + " && echo dns-lookup=answered || echo dns-lookup=failed",
        "curl -sS -m 5 --noproxy '*' -g \"http://[$LL%25$IF]:$T/\" >/dev/null 2>&1"
            + " && echo curl-ll=answered || echo curl-ll=failed");
  }

  private int udp(SocketAddress bind, String label) throws IOException {
    DatagramSocket s = new DatagramSocket(bind);
    open.add(s);
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[512];
              while (!s.isClosed()) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                  s.receive(p);
                } catch (IOException e) {
                  return;
                }
                String text = new String(buf, 0, p.getLength(), StandardCharsets.ISO_8859_1);
                arrived.add(
                    label
                        + " from "
                        + p.getSocketAddress()
                        + ": "
                        + text.replaceAll("[^\\x20-\\x7e]", ".")); // a DNS query is binary
              }
            },
            "escape-" + label);
    t.setDaemon(true);
    t.start();
    return s.getLocalPort();
  }

  private int tcp(SocketAddress bind, String label) throws IOException {
    ServerSocket s = new ServerSocket();
    s.bind(bind);
    open.add(s);
    Thread t =
        new Thread(
            () -> {
              while (!s.isClosed()) {
                try (Socket c = s.accept()) {
                  arrived.add(label + " connection from " + c.getRemoteSocketAddress());
                } catch (IOException e) {
                  return;
                }
              }
            },
            "escape-" + label);
    t.setDaemon(true);
    t.start();
    return s.getLocalPort();
  }

  /** The host end of the run's link: the interface holding {@code address}. */
  private static String hostInterface(String address) {
    for (String line : ip("-o", "-4", "addr", "show")) {
      String[] f = line.trim().split("\\s+");
      if (f.length > 3 && f[3].startsWith(address + "/")) {
        return f[1];
      }
    }
    throw new AssertionError("no interface holds " + address);
  }

  /** The host end's IPv6 link-local address, once duplicate address detection is over. */
  private static String hostLinkLocal(String hostIf) throws InterruptedException {
    String[] found = new String[1];
    Processes.await(
        () -> {
          for (String line : ip("-o", "-6", "addr", "show", "dev", hostIf, "scope", "link")) {
            if (!line.contains("tentative")) {
              String[] f = line.trim().split("\\s+");
              found[0] = f[3].substring(0, f[3].indexOf('/'));
              return true;
            }
          }
          return false;
        },
        Duration.ofSeconds(10),
        "an IPv6 link-local address on " + hostIf + " (IPv6 must be on for this test)");
    return found[0];
  }

  /** The host's own global-scope IPv6 addresses (may be none). */
  private static List<String> hostGlobalV6() {
    List<String> out = new ArrayList<>();
    for (String line : ip("-o", "-6", "addr", "show", "scope", "global")) {
      String[] f = line.trim().split("\\s+");
      out.add(f[3].substring(0, f[3].indexOf('/')));
    }
    return out;
  }

  private static List<String> ip(String... args) {
    List<String> argv = new ArrayList<>(List.of("ip"));
    argv.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      return text.lines().toList();
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
