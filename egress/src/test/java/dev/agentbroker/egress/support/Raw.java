package dev.agentbroker.egress.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

/** Raw-socket client for malformed and abusive inputs. */
public final class Raw {
  private Raw() {}

  public static Socket open(int port) throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
    s.setSoTimeout(10_000);
    return s;
  }

  /** Sends {@code request}, then reads until the proxy closes (or the head of a 200 arrives). */
  public static String exchange(int port, String request) throws IOException {
    try (Socket s = open(port)) {
      s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
      return readAll(s.getInputStream());
    }
  }

  /** Reads until EOF or reset; a reset after a response still returns what was read. */
  public static String readAll(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        b.write(buf, 0, n);
        if (b.toString(StandardCharsets.ISO_8859_1)
            .contains(" 200 Connection established\r\n\r\n")) {
          break;
        }
      }
    } catch (SocketException e) {
      // connection reset after the proxy closed with unread input: that is a close
    }
    return b.toString(StandardCharsets.UTF_8);
  }
}
