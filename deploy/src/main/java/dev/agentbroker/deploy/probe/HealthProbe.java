package dev.agentbroker.deploy.probe;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The images' health check command. The images hold no shell, curl or wget (less to attack), so the
 * check is this class on the image's own JVM: {@code http://HOST:PORT/PATH} passes on a 2xx answer,
 * {@code tcp://HOST:PORT} when a connection is accepted. Exit 0 healthy, 1 not, 2 usage. Plain
 * sockets and only the JDK's base module, so it starts in a fraction of a second and needs no
 * modules beyond {@code java.base}.
 */
public final class HealthProbe {
  private static final int TIMEOUT_MS = 3000;

  private HealthProbe() {}

  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: HealthProbe http://HOST:PORT/PATH | tcp://HOST:PORT");
      System.exit(2);
    }
    String problem = check(URI.create(args[0]));
    if (problem != null) {
      System.err.println("unhealthy: " + problem);
      System.exit(1);
    }
  }

  /** {@code null} when healthy, else why not. */
  static String check(URI target) {
    String scheme = target.getScheme();
    if (target.getHost() == null || target.getPort() < 1) {
      return "target needs a host and a port: " + target;
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(target.getHost(), target.getPort()), TIMEOUT_MS);
      s.setSoTimeout(TIMEOUT_MS);
      if ("tcp".equals(scheme)) {
        return null;
      }
      if (!"http".equals(scheme)) {
        return "scheme must be http or tcp: " + scheme;
      }
      String path =
          target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
      String head =
          "GET "
              + path
              + " HTTP/1.1\r\nHost: "
              + target.getHost()
              + "\r\nConnection: close\r\n\r\n";
      OutputStream out = s.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] line = new byte[64];
      int n = 0;
      int b;
      while (n < line.length && (b = in.read()) != -1 && b != '\n') {
        line[n++] = (byte) b;
      }
      String status = new String(line, 0, n, StandardCharsets.US_ASCII).trim();
      // "HTTP/1.1 200 OK"
      String[] parts = status.split(" ");
      return parts.length >= 2 && parts[0].startsWith("HTTP/") && parts[1].startsWith("2")
          ? null
          : "answer: " + status;
    } catch (Exception e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
  }
}
