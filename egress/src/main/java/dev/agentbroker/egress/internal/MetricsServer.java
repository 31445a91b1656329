package dev.agentbroker.egress.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * {@code GET /metrics} in the Prometheus text format, on its own address and one thread: a scrape
 * never competes with the proxy's event loops, and the proxy needs no HTTP server library.
 */
public final class MetricsServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;

  private MetricsServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Serves {@code scrape} (the Prometheus exposition text) at {@code at}. */
  public static MetricsServer start(Supplier<String> scrape, InetSocketAddress at)
      throws IOException {
    HttpServer server = HttpServer.create(at, 16);
    ExecutorService executor =
        Executors.newSingleThreadExecutor(DaemonThreads.named("egress-metrics"));
    server.setExecutor(executor);
    server.createContext("/", exchange -> serve(scrape, exchange));
    server.start();
    return new MetricsServer(server, executor);
  }

  private static void serve(Supplier<String> scrape, HttpExchange exchange) throws IOException {
    try (exchange) {
      boolean get = exchange.getRequestMethod().equals("GET");
      if (!exchange.getRequestURI().getPath().equals("/metrics") || !get) {
        exchange.sendResponseHeaders(get ? 404 : 405, -1);
        return;
      }
      byte[] body = scrape.get().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
