package dev.agentbroker.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.egress.support.Harness;
import dev.agentbroker.egress.support.Raw;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An origin that sends a large body and closes at once, to a client that reads slowly: every byte
 * must reach the client before the proxy closes it (the upstream end is handled only after the
 * buffered data has been relayed).
 */
class RelayCompletenessTest {
  static final int SIZE = 8 * 1024 * 1024;

  @Test
  void originClosingWhileTheClientIsBackedUpLosesNothing(@TempDir Path dir) throws Exception {
    try (ServerSocket origin = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread sender =
          new Thread(
              () -> {
                try (Socket s = origin.accept()) {
                  OutputStream out = s.getOutputStream();
                  byte[] chunk = new byte[64 * 1024];
                  for (int sent = 0; sent < SIZE; sent += chunk.length) {
                    out.write(chunk);
                  }
                  out.flush();
                } catch (Exception e) {
                  // the test's assertion reports the shortfall
                }
              });
      sender.setDaemon(true);
      sender.start();
      try (Harness h = new Harness(dir, List.of(origin.getLocalPort()), Harness.limits());
          Socket s = Raw.open(h.proxyPort())) {
        s.setReceiveBufferSize(16 * 1024);
        s.setSoTimeout(20_000);
        s.getOutputStream()
            .write(
                ("CONNECT origin.test:" + origin.getLocalPort() + " HTTP/1.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        String head = readHead(in);
        assertEquals(true, head.startsWith("HTTP/1.1 200"), head);
        // Let the origin finish and close while nothing is read, so the proxy backs up.
        sender.join(2_000); // it cannot finish while the proxy holds back: that is the point
        Thread.sleep(300);
        long total = 0;
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) >= 0; ) {
          total += n;
        }
        assertEquals(SIZE, total, "bytes delivered before close");
      }
    }
  }

  /**
   * A client that reads nothing holds the origin back: the proxy buffers at most its write water
   * mark per direction (plus the kernel's socket buffers), never the whole body.
   */
  @Test
  void aClientThatDoesNotReadHoldsTheOriginBack(@TempDir Path dir) throws Exception {
    long body = 256L * 1024 * 1024;
    java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
    try (ServerSocket origin = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread sender =
          new Thread(
              () -> {
                try (Socket s = origin.accept()) {
                  OutputStream out = s.getOutputStream();
                  byte[] chunk = new byte[64 * 1024];
                  while (sent.get() < body) {
                    out.write(chunk);
                    sent.addAndGet(chunk.length);
                  }
                } catch (Exception e) {
                  // closed by the test's end
                }
              });
      sender.setDaemon(true);
      sender.start();
      try (Harness h = new Harness(dir, List.of(origin.getLocalPort()), Harness.limits());
          Socket s = Raw.open(h.proxyPort())) {
        s.setReceiveBufferSize(16 * 1024);
        s.getOutputStream()
            .write(
                ("CONNECT origin.test:" + origin.getLocalPort() + " HTTP/1.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        String head = readHead(s.getInputStream());
        assertEquals(true, head.startsWith("HTTP/1.1 200"), head);
        // Wait until the origin is blocked (its count stops moving), reading nothing.
        long before;
        do {
          before = sent.get();
          Thread.sleep(300);
        } while (sent.get() != before);
        // Kernel socket buffers on loopback can hold a few MiB each way; the proxy adds at most
        // its 256 KiB water mark plus one read. Unbounded buffering would let all 256 MiB through.
        assertTrue(sent.get() < 64L * 1024 * 1024, "origin sent " + sent.get() + " bytes");
      }
    }
  }

  private static String readHead(InputStream in) throws Exception {
    StringBuilder sb = new StringBuilder();
    while (!sb.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        break;
      }
      sb.append((char) c);
    }
    return sb.toString();
  }
}
