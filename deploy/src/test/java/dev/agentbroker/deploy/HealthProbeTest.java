package dev.agentbroker.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.agentbroker.deploy.probe.HealthProbe;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** The images' health-check command against a real HTTP server and a closed port. */
class HealthProbeTest {
  static String check(String target) throws Exception {
    Method m = HealthProbe.class.getDeclaredMethod("check", URI.class);
    m.setAccessible(true);
    return (String) m.invoke(null, URI.create(target));
  }

  @Test
  void http2xxIsHealthyAnythingElseNot() throws Exception {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/ok",
        x -> {
          x.sendResponseHeaders(200, -1);
          x.close();
        });
    server.createContext(
        "/down",
        x -> {
          x.sendResponseHeaders(503, -1);
          x.close();
        });
    server.start();
    try {
      int port = server.getAddress().getPort();
      assertNull(check("http://127.0.0.1:" + port + "/ok"));
      assertEquals(
          "answer: HTTP/1.1 503 Service Unavailable", check("http://127.0.0.1:" + port + "/down"));
      assertNull(check("tcp://127.0.0.1:" + port));
      assertTrue(check("ftp://127.0.0.1:" + port).startsWith("scheme must be"));
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aClosedPortIsUnhealthy() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    assertNotNull(check("tcp://127.0.0.1:" + port));
    assertNotNull(check("http://127.0.0.1:" + port + "/q/health/ready"));
    assertTrue(check("http://127.0.0.1/x").startsWith("target needs a host and a port"));
  }
}
