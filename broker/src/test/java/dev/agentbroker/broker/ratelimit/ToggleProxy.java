package dev.agentbroker.broker.ratelimit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder in front of Redis that a test can switch off: while down it drops every open
 * connection and every new one, which is what a broker replica sees when Redis dies. It lets one
 * running broker be tested with Redis up, down and back without touching the shared server.
 */
public final class ToggleProxy implements AutoCloseable {
  private final ServerSocket server;
  private final URI target;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean up = true;

  /** Forwards to the Redis at {@code targetUrl} (credentials, if any, pass through unchanged). */
  public ToggleProxy(String targetUrl) {
    this.target = URI.create(targetUrl);
    try {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread t = new Thread(this::acceptLoop, "toggle-proxy");
    t.setDaemon(true);
    t.start();
  }

  /** The target's URL with this proxy's address. */
  public String url() {
    try {
      return new URI(
              target.getScheme(),
              target.getUserInfo(),
              "127.0.0.1",
              server.getLocalPort(),
              target.getPath(),
              null,
              null)
          .toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  public void down() {
    up = false;
    for (Socket s : open) {
      closeQuietly(s);
    }
    open.clear();
  }

  public void up() {
    up = true;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        if (!up) {
          closeQuietly(client);
          continue;
        }
        Socket upstream =
            new Socket(target.getHost(), target.getPort() < 0 ? 6379 : target.getPort());
        open.add(client);
        open.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        // closed or target refused: the client sees a dropped connection
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[8192];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                  out.write(buf, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // either side closed
              } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
              }
            },
            "toggle-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() {
    down();
    try {
      server.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
