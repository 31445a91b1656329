package dev.agentbroker.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.egress.support.Harness;
import dev.agentbroker.egress.support.Origin;
import dev.agentbroker.egress.support.Raw;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DNS rebinding, plain-HTTP forwarding hygiene, and hot reload. */
class RebindingAndForwardingTest {
  @TempDir static Path dir;
  static Harness h;
  static Origin origin;

  @BeforeAll
  static void start() throws Exception {
    origin = Origin.plain();
    h = new Harness(dir, List.of(origin.port(), 443), Harness.limits());
  }

  @AfterAll
  static void stop() throws Exception {
    h.close();
    origin.close();
  }

  @BeforeEach
  void clear() {
    h.decisions.clear();
    h.lookups.clear();
  }

  private static InetAddress ip(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void connectsToTheCheckedAddressAndResolvesOnce() throws Exception {
    // First answer is the permitted one, every later answer a forbidden one: a proxy that resolved
    // again when connecting would end up at 10.0.0.5 (and fail); this one must use 127.0.0.1.
    h.answer("rebind.test", n -> n == 1 ? ip("127.0.0.1") : ip("10.0.0.5"));
    String resp =
        Raw.exchange(
            h.proxyPort(),
            "GET http://rebind.test:" + origin.port() + "/small HTTP/1.1\r\nHost: x\r\n\r\n");
    assertTrue(resp.startsWith("HTTP/1.1 200 OK"), resp);
    assertTrue(resp.endsWith("hello\n"), resp);
    var d = h.next("egress.connect");
    assertEquals("allowed", d.reason());
    assertEquals("127.0.0.1", d.address());
    assertEquals(1, h.lookups.get("rebind.test").get());
  }

  @Test
  void aForbiddenFirstAnswerIsNeverRetried() throws Exception {
    // The public-then-private order turned around for a non-internal name: the private answer is
    // refused before any connect, and the proxy does not ask again hoping for a better one.
    h.answer("loop.test", n -> n == 1 ? ip("10.0.0.5") : ip("127.0.0.1"));
    String resp =
        Raw.exchange(h.proxyPort(), "CONNECT loop.test:" + origin.port() + " HTTP/1.1\r\n\r\n");
    assertTrue(resp.startsWith("HTTP/1.1 403 "), resp);
    var d = h.next("egress.connect");
    assertEquals("forbidden_address", d.reason());
    assertEquals("10.0.0.5", d.address());
    assertEquals(1, h.lookups.get("loop.test").get());
    h.answer("loop.test", "127.0.0.1");
  }

  @Test
  void anInternalHostGetsLoopbackOnlyWhereAllowIpsListsIt() throws Exception {
    // rebind.test is internal, and the group's allow_ips is 127.0.0.0/29: 127.0.0.9 is loopback
    // outside it, so internal_hosts alone must not let the proxy connect there (before the fix it
    // did, and the refused connect came back as 502 connect_failed instead of 403).
    String get = "GET http://rebind.test:" + origin.port() + "/small HTTP/1.1\r\n\r\n";
    h.answer("rebind.test", "127.0.0.9");
    String resp = Raw.exchange(h.proxyPort(), get);
    assertTrue(resp.startsWith("HTTP/1.1 403 "), resp);
    EgressDecision d = h.next("egress.connect");
    assertEquals("forbidden_address", d.reason());
    assertEquals("127.0.0.9", d.address());
    // One listed answer does not excuse an unlisted one next to it.
    h.answer("rebind.test", "127.0.0.1", "127.0.0.9");
    resp = Raw.exchange(h.proxyPort(), get);
    assertTrue(resp.startsWith("HTTP/1.1 403 "), resp);
    assertEquals("127.0.0.9", h.next("egress.connect").address());
    h.answer("rebind.test", "127.0.0.1");
    assertTrue(Raw.exchange(h.proxyPort(), get).startsWith("HTTP/1.1 200 OK"));
  }

  @Test
  void aRefusedAddressFallsBackToTheNextCheckedOne() throws Exception {
    // Nothing listens on 127.0.0.2-4 (the origin is bound to 127.0.0.1 only): refused at once.
    String get = "GET http://rebind.test:" + origin.port() + "/small HTTP/1.1\r\n\r\n";
    h.answer("rebind.test", "127.0.0.2", "127.0.0.1");
    String resp = Raw.exchange(h.proxyPort(), get);
    assertTrue(resp.startsWith("HTTP/1.1 200 OK"), resp);
    assertEquals("127.0.0.1", h.next("egress.connect").address());
    assertEquals(1, h.lookups.get("rebind.test").get(), "still one lookup");

    h.answer("rebind.test", "127.0.0.2", "127.0.0.3");
    resp = Raw.exchange(h.proxyPort(), get);
    assertTrue(resp.startsWith("HTTP/1.1 502 "), resp);
    EgressDecision d = h.next("egress.connect");
    assertEquals("connect_failed", d.reason());
    assertEquals("127.0.0.3", d.address(), "the last address tried");

    // At most three addresses are tried: the fourth, which would work, is not.
    h.answer("rebind.test", "127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.1");
    resp = Raw.exchange(h.proxyPort(), get);
    assertTrue(resp.startsWith("HTTP/1.1 502 "), resp);
    assertEquals("127.0.0.4", h.next("egress.connect").address());
  }

  @Test
  void plainHttpStripsHopByHopAndIdentifyingHeaders() throws Exception {
    int before = origin.heads().size();
    // As proxy user agent-7 (group "other"), so the credentials are checked and then dropped.
    String credentials =
        java.util.Base64.getEncoder()
            .encodeToString(("agent-7:" + Harness.PROXY_SECRET).getBytes(StandardCharsets.UTF_8));
    String resp =
        Raw.exchange(
            h.proxyPort(),
            "GET http://other.test:"
                + origin.port()
                + "/small?q=1 HTTP/1.1\r\n"
                + "Host: spoofed.example\r\n"
                + "Via: 1.1 sandbox-10-20-0-5\r\n"
                + "X-Forwarded-For: 10.20.0.5\r\n"
                + "Forwarded: for=10.20.0.5\r\n"
                + "Proxy-Authorization: Basic "
                + credentials
                + "\r\n"
                + "Proxy-Connection: keep-alive\r\n"
                + "Connection: keep-alive, X-Secret-Hop\r\n"
                + "X-Secret-Hop: 1\r\n"
                + "Accept: text/plain\r\n\r\n");
    assertTrue(resp.startsWith("HTTP/1.1 200 OK"), resp);
    String head = origin.heads().get(before);
    String lower = head.toLowerCase(Locale.ROOT);
    assertTrue(head.startsWith("GET /small?q=1 HTTP/1.1\r\n"), head);
    assertTrue(head.contains("Host: other.test:" + origin.port() + "\r\n"), head);
    assertTrue(head.contains("Accept: text/plain\r\n"), head);
    assertEquals("agent-7", h.next("egress.connect").user());
    assertTrue(head.contains("Connection: close\r\n"), head);
    for (String leak :
        List.of(
            "via:",
            "x-forwarded-for",
            "forwarded:",
            "proxy-",
            "x-secret-hop",
            "10.20.0.5",
            credentials.toLowerCase(Locale.ROOT),
            Harness.PROXY_SECRET.toLowerCase(Locale.ROOT),
            "spoofed")) {
      assertFalse(lower.contains(leak), leak + " leaked: " + head);
    }
  }

  @Test
  void plainHttpForwardsExactlyTheDeclaredBody() throws Exception {
    String resp =
        Raw.exchange(
            h.proxyPort(),
            "POST http://plain.test:"
                + origin.port()
                + "/small HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"
                + "GET /second HTTP/1.1\r\nHost: evil.example\r\n\r\n");
    assertTrue(resp.startsWith("HTTP/1.1 200 OK"), resp);
    assertEquals("allowed", h.next("egress.connect").reason());
    assertTrue(
        origin.heads().stream().noneMatch(x -> x.contains("/second")),
        "smuggled request forwarded");
  }

  @Test
  void chunkedRequestBodiesAreRefused() throws Exception {
    String resp =
        Raw.exchange(
            h.proxyPort(),
            "POST http://plain.test:"
                + origin.port()
                + "/ HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    assertTrue(resp.startsWith("HTTP/1.1 501 "), resp);
  }

  @Test
  void hotReloadKeepsLastGood() throws Exception {
    String connect = "CONNECT new.test:443 HTTP/1.1\r\n\r\n";
    assertTrue(Raw.exchange(h.proxyPort(), connect).contains("host_not_allowed"));
    Files.writeString(
        h.policyFile,
        Harness.POLICY
            .replace("other: [other.test]", "other: [other.test]\n    extra: [new.test]")
            .replace("groups: [test]", "groups: [test, extra]"));
    assertTrue(h.proxy.reloadNow());
    h.answer("new.test", "10.0.0.9");
    assertTrue(Raw.exchange(h.proxyPort(), connect).contains("forbidden_address"));
    Files.writeString(
        h.policyFile, "version: 1\nidentities: []\negress: {groups: {bad: [10.0.0.1]}}\n");
    assertFalse(h.proxy.reloadNow());
    assertTrue(h.proxy.scrape().contains("egress_config_reloads_total{result=\"failure\""));
    // Still the last good allowlist: new.test passes the name check.
    assertTrue(Raw.exchange(h.proxyPort(), connect).contains("forbidden_address"));
    Files.writeString(h.policyFile, Harness.POLICY);
    h.proxy.reloadNow();
  }
}
