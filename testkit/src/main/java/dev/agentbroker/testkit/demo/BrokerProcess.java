package dev.agentbroker.testkit.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One broker fast-jar as a child process, as an operator runs it: {@code java <BROKER_JAVA_OPTS>
 * -jar quarkus-run.jar} with its settings in the environment (never on the command line). Used for
 * the demo's broker and for further replicas sharing its configuration.
 */
public final class BrokerProcess implements AutoCloseable {
  private final Process process;
  private final URI url;
  private final long spawnedNanos;

  private BrokerProcess(Process process, URI url, long spawnedNanos) {
    this.process = process;
    this.url = url;
    this.spawnedNanos = spawnedNanos;
  }

  /**
   * Spawns the broker; does not wait. {@code env} must set {@code QUARKUS_HTTP_PORT} = {@code
   * port}. Output goes to {@code log}, or to this process's own when empty.
   */
  public static BrokerProcess spawn(Path jar, Map<String, String> env, int port, Optional<Path> log)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(BrokerJvm.command(jar, System.getenv()));
    pb.environment().putAll(env);
    if (log.isPresent()) {
      pb.redirectErrorStream(true).redirectOutput(log.get().toFile());
    } else {
      pb.inheritIO();
    }
    long spawned = System.nanoTime();
    return new BrokerProcess(pb.start(), URI.create("http://127.0.0.1:" + port), spawned);
  }

  /** Waits for the first 200 of {@code /q/health/ready} (polled every 25 ms); false on timeout. */
  public boolean awaitReady(Duration timeout) throws InterruptedException {
    HttpClient c = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline && process.isAlive()) {
      try {
        HttpResponse<Void> r =
            c.send(
                HttpRequest.newBuilder(url.resolve("/q/health/ready")).build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return true;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(25);
    }
    return false;
  }

  /** Time from spawn to now: after {@link #awaitReady}, the start-up to ready. */
  public Duration sinceSpawn() {
    return Duration.ofNanos(System.nanoTime() - spawnedNanos);
  }

  public URI url() {
    return url;
  }

  public Process process() {
    return process;
  }

  /** SIGKILL, as a crash or an OOM kill would: no shutdown hook runs. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGTERM, then SIGKILL after 10 s. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
