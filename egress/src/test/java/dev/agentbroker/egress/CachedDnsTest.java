package dev.agentbroker.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.egress.support.Harness;
import dev.agentbroker.egress.support.Origin;
import dev.agentbroker.egress.support.Raw;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With the resolver cache in front (as {@link Resolver#system()} has): a cached answer is checked
 * on every use exactly like a fresh one, and a rebinding resolver still cannot move a request to an
 * address that was not checked.
 */
class CachedDnsTest {
  @TempDir static Path dir;
  static Harness h;
  static Origin origin;

  @BeforeAll
  static void start() throws Exception {
    origin = Origin.plain();
    h = new Harness(dir, List.of(origin.port()), Harness.limits(), true);
  }

  @AfterAll
  static void stop() throws Exception {
    h.close();
    origin.close();
  }

  private static InetAddress ip(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aCachedForbiddenAnswerIsRefusedEveryTime() throws Exception {
    h.answer("loop.test", n -> n == 1 ? ip("10.0.0.5") : ip("127.0.0.1"));
    for (int i = 0; i < 3; i++) {
      String resp =
          Raw.exchange(h.proxyPort(), "CONNECT loop.test:" + origin.port() + " HTTP/1.1\r\n\r\n");
      assertTrue(resp.startsWith("HTTP/1.1 403 "), resp);
      var d = h.next("egress.connect");
      assertEquals("forbidden_address", d.reason());
      assertEquals("10.0.0.5", d.address());
    }
    assertEquals(1, h.lookups.get("loop.test").get(), "answered from the cache after the first");
  }

  @Test
  void aCachedAllowedAnswerIsConnectedToWithoutAnotherLookup() throws Exception {
    h.answer("rebind.test", n -> n == 1 ? ip("127.0.0.1") : ip("10.0.0.5"));
    for (int i = 0; i < 3; i++) {
      String resp =
          Raw.exchange(
              h.proxyPort(),
              "GET http://rebind.test:" + origin.port() + "/small HTTP/1.1\r\nHost: x\r\n\r\n");
      assertTrue(resp.startsWith("HTTP/1.1 200 OK"), resp);
      var d = h.next("egress.connect");
      assertEquals("allowed", d.reason());
      assertEquals("127.0.0.1", d.address());
    }
    assertEquals(1, h.lookups.get("rebind.test").get());
  }
}
