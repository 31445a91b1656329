package dev.agentbroker.broker.ratelimit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis for the tests: the one {@code .ci/run} started ({@code REDIS_URL}), else a private
 * {@code redis-server} on a free loopback port in a temp dir. Without {@code redis-server} the
 * tests fail with instructions; they are never skipped, since the shared limiter is only proven
 * against the real thing.
 */
public final class TestRedis implements AutoCloseable {
  private static TestRedis shared;

  private final String url;
  private final int port;
  private final Process process;
  private final Path dir;

  private TestRedis(String url, int port, Process process, Path dir) {
    this.url = url;
    this.port = port;
    this.process = process;
    this.dir = dir;
  }

  /** One Redis for the whole test JVM: {@code REDIS_URL} when set, else started once. */
  public static synchronized TestRedis shared() {
    if (shared == null) {
      String env = System.getenv("REDIS_URL");
      if (env != null && !env.isBlank()) {
        shared = new TestRedis(env, -1, null, null);
      } else {
        shared = startOwn();
        TestRedis s = shared;
        Runtime.getRuntime().addShutdownHook(new Thread(s::close));
      }
    }
    return shared;
  }

  /** A private server (the caller stops it), for tests that take Redis down. */
  public static TestRedis startOwn() {
    return startOn(freePort());
  }

  /** A private server on {@code port}, e.g. to bring a stopped one back at the same address. */
  public static TestRedis startOn(int port) {
    try {
      Path dir = Files.createTempDirectory("redis-test");
      ProcessBuilder pb =
          new ProcessBuilder(
                  List.of(
                      "redis-server",
                      "--bind",
                      "127.0.0.1",
                      "--port",
                      Integer.toString(port),
                      "--save",
                      "",
                      "--appendonly",
                      "no",
                      "--dir",
                      dir.toString()))
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("redis.log").toFile());
      Process p;
      try {
        p = pb.start();
      } catch (IOException e) {
        throw new IllegalStateException(
            "redis-server is not installed: the shared rate-limit tests need a real Redis. Install"
                + " Debian's redis-server (apt-get install redis-server, as .ci/run does) or set"
                + " REDIS_URL=redis://host:port",
            e);
      }
      TestRedis r = new TestRedis("redis://127.0.0.1:" + port, port, p, dir);
      r.awaitPong(p);
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String url() {
    return url;
  }

  public int port() {
    return port;
  }

  /** A port nothing listens on (bound then released): connections are refused at once. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitPong(Process p) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException(
            "redis-server exited at start: " + Files.readString(dir.resolve("redis.log")));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        OutputStream out = s.getOutputStream();
        out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        byte[] b = new byte[7];
        int n = in.read(b);
        if (n > 0 && new String(b, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG")) {
          return;
        }
      } catch (IOException e) {
        // not up yet
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("redis-server did not answer PING within 10 s");
  }

  /** Stops a server this class started (never the one {@code REDIS_URL} names). */
  @Override
  public void close() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a temp dir left behind is harmless
    }
  }
}
