package dev.agentbroker.testkit.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} on a loopback port, in memory only ({@code --save ''}, no AOF), for
 * tests, benchmarks and the replica demo. Never a stand-in: the shared state is only proven against
 * the real thing, so a missing {@code redis-server} fails with instructions instead of skipping.
 * {@link #stop} and {@link #startOn} on the same port simulate an outage and a recovery.
 */
public final class RedisServer implements AutoCloseable {
  private final int port;
  private final Process process;
  private final Path dir;

  private RedisServer(int port, Process process, Path dir) {
    this.port = port;
    this.process = process;
    this.dir = dir;
  }

  /** A server on a free port. */
  public static RedisServer start() {
    return startOn(freePort());
  }

  /** A server on {@code port}, e.g. to bring a stopped one back at the same address. */
  public static RedisServer startOn(int port) {
    try {
      Path dir = Files.createTempDirectory("redis-server");
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
            "redis-server is not installed: install Debian's redis-server (apt-get install"
                + " redis-server, as ./run-tests does)",
            e);
      }
      RedisServer r = new RedisServer(port, p, dir);
      r.awaitPong();
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /**
   * Every key with its value as {@code redis-cli} prints it (strings, hash fields, set and sorted
   * set members), one line each: what a snapshot of this Redis would hold, for secret scans.
   */
  public List<String> dump() throws IOException, InterruptedException {
    List<String> out = new ArrayList<>();
    for (String key : cli("--scan")) {
      out.add("key " + key);
      String type = cli("TYPE", key).get(0);
      List<String> value =
          switch (type) {
            case "string" -> cli("GET", key);
            case "hash" -> cli("HGETALL", key);
            case "set" -> cli("SMEMBERS", key);
            case "zset" -> cli("ZRANGE", key, "0", "-1", "WITHSCORES");
            case "list" -> cli("LRANGE", key, "0", "-1");
            default -> List.of("(" + type + ")");
          };
      value.forEach(v -> out.add("  " + v));
    }
    return out;
  }

  /** One {@code redis-cli} command against this server; its output lines. */
  public List<String> cli(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("redis-cli " + String.join(" ", args) + " failed: " + text);
    }
    return text.isEmpty() ? List.of() : List.of(text.split("\n"));
  }

  /** Stops the server (its data is gone: memory only). */
  public void stop() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop();
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a temp dir left behind is harmless
    }
  }

  /** A loopback port nothing listens on (bound, then released). */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitPong() throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
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
}
