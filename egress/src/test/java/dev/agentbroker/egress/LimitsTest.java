package dev.agentbroker.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.egress.EgressConfig.Limits;
import dev.agentbroker.egress.support.Harness;
import dev.agentbroker.egress.support.Origin;
import dev.agentbroker.egress.support.Raw;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Header floods, slowloris, oversized request lines, connection caps, idle and lifetime limits. */
class LimitsTest {
  @TempDir static Path dir;
  static Harness h;
  static Origin origin;

  @BeforeAll
  static void start() throws Exception {
    origin = Origin.plain();
    Limits limits =
        new Limits(
            256,
            2048,
            16,
            Duration.ofMillis(800),
            Duration.ofSeconds(2),
            Duration.ofSeconds(2),
            Duration.ofMillis(1500),
            Duration.ofSeconds(3),
            3,
            100);
    h = new Harness(dir, List.of(origin.port()), limits);
  }

  /**
   * The per-client cap is 3 and a test's sockets are released when the proxy sees them close, not
   * when the test closes them: wait until every connection is gone so the next test starts clean.
   */
  @AfterEach
  void settle() throws Exception {
    awaitConnections(0);
  }

  /** Sends a CONNECT to the origin on {@code s} and checks the 200. */
  private static void connectToOrigin(Socket s) throws IOException {
    s.getOutputStream()
        .write(
            ("CONNECT origin.test:" + origin.port() + " HTTP/1.1\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    String head = Raw.readAll(s.getInputStream());
    assertTrue(head.startsWith("HTTP/1.1 200 "), head);
  }

  private static void awaitConnections(int n) throws Exception {
    String line = "egress_connections_active " + n + ".0";
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!h.proxy.scrape().contains(line) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(h.proxy.scrape().contains(line), "expected " + line);
  }

  @AfterAll
  static void stop() throws Exception {
    h.close();
    origin.close();
  }

  @Test
  void headerFloodIsCutAtTheLimit() throws Exception {
    long t0 = System.nanoTime();
    try (Socket s = Raw.open(h.proxyPort())) {
      OutputStream out = s.getOutputStream();
      byte[] header =
          "X-Flood: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
              .getBytes(StandardCharsets.US_ASCII);
      out.write("CONNECT origin.test:443 HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
      try {
        for (int i = 0; i < 100_000; i++) {
          out.write(header); // far beyond 2048 bytes; the proxy must not keep reading
        }
      } catch (SocketException closedByProxy) {
        // expected: the proxy closed the connection mid-flood
      }
      String resp = Raw.readAll(s.getInputStream());
      assertTrue(resp.isEmpty() || resp.startsWith("HTTP/1.1 431 "), resp);
    }
    assertEquals("header_too_large", h.next("egress.connect").reason());
    assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "closed promptly");
  }

  @Test
  void tooManyHeaderFields() throws Exception {
    StringBuilder b = new StringBuilder("CONNECT origin.test:443 HTTP/1.1\r\n");
    for (int i = 0; i < 20; i++) {
      b.append("X-").append(i).append(": 1\r\n");
    }
    String resp = Raw.exchange(h.proxyPort(), b.append("\r\n").toString());
    assertTrue(resp.startsWith("HTTP/1.1 431 "), resp);
    assertEquals("header_too_large", h.next("egress.connect").reason());
  }

  @Test
  void longRequestLine() throws Exception {
    String resp =
        Raw.exchange(h.proxyPort(), "CONNECT " + "a".repeat(300) + ".test:443 HTTP/1.1\r\n\r\n");
    assertTrue(resp.startsWith("HTTP/1.1 414 "), resp);
    assertEquals("request_line_too_long", h.next("egress.connect").reason());
  }

  @Test
  void slowlorisIsClosedAtTheHandshakeTimeout() throws Exception {
    long t0 = System.nanoTime();
    try (Socket s = Raw.open(h.proxyPort())) {
      OutputStream out = s.getOutputStream();
      byte[] req =
          "CONNECT origin.test:443 HTTP/1.1\r\nHost: origin.test\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII);
      // One byte every 100 ms: it would take 5 s to finish; the limit is 800 ms.
      s.setSoTimeout(100);
      StringBuilder got = new StringBuilder();
      for (int i = 0; i < req.length && got.length() == 0; i++) {
        try {
          out.write(req[i]);
        } catch (IOException closed) {
          break;
        }
        try {
          int c = s.getInputStream().read();
          if (c < 0) {
            break;
          }
          got.append((char) c);
        } catch (java.net.SocketTimeoutException nothingYet) {
          // keep trickling
        }
      }
      s.setSoTimeout(5000);
      String resp = got + Raw.readAll(s.getInputStream());
      assertTrue(resp.startsWith("HTTP/1.1 408 "), resp);
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms >= 700 && ms < 3000, "closed after " + ms + " ms");
    assertEquals("handshake_timeout", h.next("egress.connect").reason());
  }

  @Test
  void perClientConnectionCap() throws Exception {
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        held.add(Raw.open(h.proxyPort()));
      }
      // Each event loop accepts from its own listening socket: wait until all three are accepted,
      // or the fourth could overtake one of them.
      awaitConnections(3);
      String resp = Raw.exchange(h.proxyPort(), "");
      assertTrue(resp.startsWith("HTTP/1.1 429 "), resp);
      assertEquals("client_limit", h.next("egress.connect").reason());
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
    h.decisions.clear();
  }

  @Test
  void idleTunnelIsClosed() throws Exception {
    try (Socket s = Raw.open(h.proxyPort())) {
      connectToOrigin(s);
      long t0 = System.nanoTime();
      assertEquals(-1, s.getInputStream().read(), "closed by the proxy");
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(ms >= 1000 && ms < 5000, "idle close after " + ms + " ms");
    }
    h.next("egress.close");
  }

  @Test
  void aBusyTunnelIsClosedAtItsMaximumLifetime() throws Exception {
    try (Socket s = Raw.open(h.proxyPort())) {
      connectToOrigin(s);
      long t0 = System.nanoTime();
      s.getOutputStream().write("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
      // A header line every 200 ms keeps the tunnel busy (never idle for the 1.5 s idle timeout)
      // and the origin waiting for the end of the head; only the 3 s lifetime can end it.
      s.setSoTimeout(200);
      boolean closed = false;
      while (!closed && System.nanoTime() - t0 < 10_000_000_000L) {
        try {
          closed = s.getInputStream().read() < 0;
        } catch (java.net.SocketTimeoutException stillOpen) {
          try {
            s.getOutputStream().write("X-Busy: 1\r\n".getBytes(StandardCharsets.US_ASCII));
          } catch (java.io.IOException reset) {
            closed = true;
          }
        } catch (java.io.IOException reset) {
          closed = true;
        }
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(closed, "closed by the proxy");
      assertTrue(ms >= 2900 && ms < 5000, "lifetime close after " + ms + " ms");
    }
    EgressDecision close = h.next("egress.close");
    assertEquals("lifetime_exceeded", close.reason());
    assertTrue(close.bytesUp() > 16, "bytes up counted: " + close.bytesUp());
  }
}
