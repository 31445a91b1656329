package dev.agentbroker.egress.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * A tiny HTTP/1.1 origin on 127.0.0.1 (TLS or plain), one request per connection: {@code /small}
 * answers {@code hello}, {@code /bulk?bytes=N} streams N bytes. Records every request head so tests
 * can see what the proxy forwarded. Thread per connection: simple and good enough for tests and the
 * benchmark's client counts.
 */
public final class Origin implements AutoCloseable {
  private static final byte[] CHUNK = new byte[64 * 1024];

  private final ServerSocket server;
  private final ExecutorService pool = Executors.newCachedThreadPool(daemon());
  private final List<String> heads = new CopyOnWriteArrayList<>();
  private volatile boolean running = true;

  private Origin(ServerSocket server) {
    this.server = server;
    pool.execute(this::acceptLoop);
  }

  public static Origin tls(SSLContext ctx, int port) throws IOException {
    SSLServerSocket s = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket();
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 4096);
    return new Origin(s);
  }

  public static Origin plain() throws IOException {
    ServerSocket s = new ServerSocket();
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    return new Origin(s);
  }

  public int port() {
    return server.getLocalPort();
  }

  public List<String> heads() {
    return heads;
  }

  private void acceptLoop() {
    while (running) {
      try {
        Socket s = server.accept();
        pool.execute(() -> serve(s));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      s.setTcpNoDelay(true);
      InputStream in = s.getInputStream();
      String head = readHead(in);
      if (head == null) {
        return;
      }
      heads.add(head);
      String path = head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
      OutputStream out = s.getOutputStream();
      if (path.startsWith("/bulk?bytes=")) {
        long n = Long.parseLong(path.substring("/bulk?bytes=".length()));
        out.write(
            ("HTTP/1.1 200 OK\r\nContent-Length: " + n + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        while (n > 0) {
          int k = (int) Math.min(n, CHUNK.length);
          out.write(CHUNK, 0, k);
          n -= k;
        }
      } else {
        out.write(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\nConnection: close\r\n\r\nhello\n"
                .getBytes(StandardCharsets.US_ASCII));
      }
      out.flush();
    } catch (IOException | RuntimeException e) {
      // Clients hang up mid-request in the limit tests and benchmark; nothing to do.
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int state = 0;
    while (b.size() < 65536) {
      int c = in.read();
      if (c < 0) {
        return null;
      }
      b.write(c);
      state =
          (c == '\r' && (state == 0 || state == 2))
              ? state + 1
              : (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
      if (state == 4) {
        return b.toString(StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  private static java.util.concurrent.ThreadFactory daemon() {
    return r -> {
      Thread t = new Thread(r, "origin");
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() throws IOException {
    running = false;
    server.close();
    pool.shutdownNow();
  }
}
