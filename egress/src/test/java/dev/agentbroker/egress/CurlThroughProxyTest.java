package dev.agentbroker.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.audit.JournalReader;
import dev.agentbroker.audit.JournalRecord;
import dev.agentbroker.egress.support.Curl;
import dev.agentbroker.egress.support.Harness;
import dev.agentbroker.egress.support.Origin;
import dev.agentbroker.egress.support.TestCerts;
import io.netty.channel.epoll.Epoll;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real clients (curl, Java's HttpClient) through the proxy to a TLS origin on loopback. */
class CurlThroughProxyTest {
  @TempDir static Path dir;
  static TestCerts certs;
  static Origin origin;
  static Harness h;
  static Path ca;
  static String proxyUrl;

  @BeforeAll
  static void start() throws Exception {
    certs = TestCerts.generate();
    origin = Origin.tls(certs.serverContext(), 0);
    h = new Harness(dir, List.of(origin.port()), Harness.limits());
    ca = certs.writePem(dir.resolve("ca.pem"));
    proxyUrl = "http://127.0.0.1:" + h.proxyPort();
  }

  @AfterAll
  static void stop() throws Exception {
    h.close();
    origin.close();
  }

  @BeforeEach
  void drain() {
    h.decisions.clear();
  }

  private Curl.Result curl(String url) throws Exception {
    return Curl.run(
        Map.of(),
        "-x",
        proxyUrl,
        "--cacert",
        ca.toString(),
        "-o",
        "-",
        "-w",
        "\n%{http_connect} %{http_code}",
        url);
  }

  @Test
  void allowedWithCurlDashX() throws Exception {
    Curl.Result r = curl("https://origin.test:" + origin.port() + "/small");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().startsWith("hello\n"), r.out());
    assertTrue(r.out().endsWith("200 200"), r.out());
    EgressDecision d = h.next("egress.connect");
    assertEquals("allowed", d.reason());
    assertEquals("origin.test", d.host());
    assertEquals("127.0.0.1", d.address());
    assertEquals("test", d.group());
    EgressDecision closed = h.next("egress.close");
    assertTrue(closed.bytesUp() > 0 && closed.bytesDown() > 0, closed.toString());
  }

  @Test
  void allowedWithHttpsProxyEnvironment() throws Exception {
    Curl.Result r =
        Curl.run(
            Map.of("https_proxy", proxyUrl),
            "--cacert",
            ca.toString(),
            "https://ORIGIN.test.:" + origin.port() + "/small");
    assertEquals(0, r.exit(), r.err());
    assertEquals("hello\n", r.out());
    assertEquals("origin.test", h.next("egress.connect").host());
  }

  @Test
  void deniedName() throws Exception {
    Curl.Result r = curl("https://evil.test:" + origin.port() + "/small");
    assertNotEquals(0, r.exit());
    assertTrue(r.out().endsWith("403 000") || r.out().contains("403"), r.out());
    assertEquals("host_not_allowed", h.next("egress.connect").reason());
  }

  @Test
  void nameResolvingToPrivateAddressIsRefusedBeforeConnecting() throws Exception {
    Curl.Result r = curl("https://private.test:" + origin.port() + "/small");
    assertNotEquals(0, r.exit());
    EgressDecision d = h.next("egress.connect");
    assertEquals("forbidden_address", d.reason());
    assertEquals("10.0.0.5", d.address());
    // Loopback is as forbidden as RFC 1918 unless the host is named internal.
    curl("https://loop.test:" + origin.port() + "/small");
    assertEquals("forbidden_address", h.next("egress.connect").reason());
    curl("https://mapped.test:" + origin.port() + "/small");
    assertEquals("forbidden_address", h.next("egress.connect").reason());
  }

  @Test
  void ipLiteralRefused() throws Exception {
    // 127.0.0.9 is outside the test group's allow_ips (127.0.0.0/29).
    Curl.Result r = curl("https://127.0.0.9:" + origin.port() + "/small");
    assertNotEquals(0, r.exit());
    assertEquals("ip_literal", h.next("egress.connect").reason());
    curl("https://[::1]:" + origin.port() + "/small");
    assertEquals("ip_literal", h.next("egress.connect").reason());
  }

  @Test
  void disallowedPort() throws Exception {
    Curl.Result r = curl("https://origin.test:443/small");
    assertNotEquals(0, r.exit());
    EgressDecision d = h.next("egress.connect");
    assertEquals("port_not_allowed", d.reason());
    assertEquals(403, d.status());
  }

  @Test
  void javaHttpClientWithProxySelector() throws Exception {
    HttpClient client =
        HttpClient.newBuilder()
            .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", h.proxyPort())))
            .sslContext(certs.clientContext())
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    HttpResponse<String> resp =
        client.send(
            HttpRequest.newBuilder(URI.create("https://origin.test:" + origin.port() + "/small"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, resp.statusCode());
    assertEquals("hello\n", resp.body());
    assertEquals("allowed", h.next("egress.connect").reason());
  }

  @Test
  void decisionsAreJournaledAndCounted() throws Exception {
    curl("https://evil.test:" + origin.port() + "/small");
    EgressDecision d = h.next("egress.connect");
    assertTrue(h.proxy.scrape().contains("reason=\"host_not_allowed\""), "metric");
    // The journal is appended off the event loop; poll it for the event.
    long deadline = System.nanoTime() + 5_000_000_000L;
    boolean found = false;
    while (!found && System.nanoTime() < deadline) {
      List<String> events = new ArrayList<>();
      try (JournalReader reader = JournalReader.open(dir.resolve("audit"), 1)) {
        Optional<JournalRecord> rec;
        while ((rec = reader.next()).isPresent()) {
          events.add(rec.get().eventJson());
        }
      }
      found = events.stream().anyMatch(e -> e.contains(d.id()) && e.contains("host_not_allowed"));
      if (!found) {
        Thread.sleep(20);
      }
    }
    assertTrue(found, "egress.connect event for " + d.id() + " in the journal");
    assertEquals(
        !Harness.TRANSPORT.equals("nio") && Epoll.isAvailable() ? "epoll" : "nio",
        h.proxy.transport());
    assertFalse(h.proxy.scrape().contains("egress_audit_failures_total{reason="), "no failures");
  }

  @Test
  void anAllowedTunnelIsJournaledOnceWhenItCloses() throws Exception {
    Curl.Result r = curl("https://origin.test:" + origin.port() + "/small");
    assertEquals(0, r.exit(), r.err());
    EgressDecision opened = h.next("egress.connect");
    EgressDecision closed = h.next("egress.close");
    assertEquals(opened.id(), closed.id());
    assertTrue(closed.bytesDown() > 0 && closed.bytesUp() > 0, closed.toString());
    // Byte counters are flushed to the metric when the tunnel ends (and every sweep while open).
    assertTrue(
        bytesMetric("downstream") >= closed.bytesDown(), "downstream bytes metric: " + closed);
    assertTrue(bytesMetric("upstream") >= closed.bytesUp(), "upstream bytes metric: " + closed);
    // One journal event per tunnel: the close, carrying the decision and the byte counts. Poll:
    // appends happen off the event loop.
    long deadline = System.nanoTime() + 5_000_000_000L;
    List<String> mine = List.of();
    while (mine.isEmpty() && System.nanoTime() < deadline) {
      List<String> events = new ArrayList<>();
      try (JournalReader reader = JournalReader.open(dir.resolve("audit"), 1)) {
        Optional<JournalRecord> rec;
        while ((rec = reader.next()).isPresent()) {
          events.add(rec.get().eventJson());
        }
      }
      mine = events.stream().filter(e -> e.contains(opened.id())).toList();
      if (mine.isEmpty()) {
        Thread.sleep(20);
      }
    }
    assertEquals(1, mine.size(), mine.toString());
    String e = mine.get(0);
    assertTrue(e.contains("egress.close"), e);
    assertTrue(e.contains("\"allowed\""), e);
    assertTrue(e.contains("bytes_down"), e);
    assertTrue(e.contains("origin.test"), e);
    assertTrue(e.contains("127.0.0.1"), e);
  }

  @Test
  void metricsAreServedOnTheirOwnAddressOnly() throws Exception {
    curl("https://evil.test:" + origin.port() + "/small");
    h.next("egress.connect");
    InetSocketAddress at = h.proxy.metricsAddress().orElseThrow();
    HttpClient plain = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();
    String base = "http://127.0.0.1:" + at.getPort();
    HttpResponse<String> ok =
        plain.send(
            HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, ok.statusCode());
    assertTrue(
        ok.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
        ok.headers().toString());
    assertTrue(ok.body().contains("egress_decisions_total{"), ok.body());
    assertTrue(ok.body().contains("reason=\"host_not_allowed\""), "denial counted");
    HttpResponse<String> other =
        plain.send(
            HttpRequest.newBuilder(URI.create(base + "/")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(404, other.statusCode());
    HttpResponse<String> post =
        plain.send(
            HttpRequest.newBuilder(URI.create(base + "/metrics"))
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(405, post.statusCode());
  }

  private static double bytesMetric(String direction) {
    String prefix = "egress_bytes_total{direction=\"" + direction + "\",}";
    return h.proxy
        .scrape()
        .lines()
        .filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(prefix.length()).trim()))
        .findFirst()
        .orElse(-1);
  }
}
