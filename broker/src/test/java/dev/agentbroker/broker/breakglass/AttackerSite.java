package dev.agentbroker.broker.breakglass;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Another site (127.0.0.1, while the page is on localhost) whose page auto-submits a form at the
 * broker's approve URL: the classic CSRF. {@code enctype=text/plain} is how a form gets a body that
 * looks like JSON, so the forged body even carries an {@code id} and a guessed {@code csrf_token}.
 */
final class AttackerSite implements AutoCloseable {
  private final HttpServer server;
  private final AtomicInteger served = new AtomicInteger();

  private AttackerSite(String pageUrl, String id) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 8);
    String action =
        pageUrl.replaceAll("/breakglass/?$", "") + "/breakglass/requests/" + id + "/approve";
    String html =
        "<!DOCTYPE html><html><body><form id=\"f\" method=\"POST\" enctype=\"text/plain\" action=\""
            + action
            + "\"><input type=\"hidden\" name='{\"id\":\""
            + id
            + "\",\"csrf_token\":\"guess\",\"x\":\"' value='\"}'></form>"
            + "<script>document.getElementById('f').submit();</script></body></html>";
    byte[] body = html.getBytes(StandardCharsets.UTF_8);
    server.createContext(
        "/",
        ex -> {
          served.incrementAndGet();
          ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
          ex.sendResponseHeaders(200, body.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  static AttackerSite start(String pageUrl, String id) throws IOException {
    return new AttackerSite(pageUrl, id);
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/win-a-prize";
  }

  int served() {
    return served.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
