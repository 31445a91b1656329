package dev.agentbroker.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.testkit.TestKeys;
import java.io.File;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * deploy/compose.yaml brought up with podman-compose, as deploy/README.md describes it for a
 * machine without a registry (Redis and HAProxy built by deploy/images/local-deps.sh): both brokers
 * become ready and answer behind the proxy in turn, every service runs read-only as uid 10001, the
 * egress proxy decides; then the stack is taken down. The brokers' GitHub is unreachable from the
 * compose network here, so minting is covered by {@link ImagesPodmanTest}.
 */
class ComposeStackTest {
  static final String PROJECT = "dbtest";

  @Test
  void twoBrokersBehindTheProxyWithRedisAndEgress() throws Exception {
    TestImages images = TestImages.get();
    Podman podman = images.podman;
    Path stack = images.dir.resolve("stack");
    Files.createDirectories(stack.resolve("secrets"));
    Files.copy(TestImages.ROOT.resolve("deploy/compose.yaml"), stack.resolve("compose.yaml"));
    Files.createDirectories(stack.resolve("config"));
    for (String f : List.of("policy.yaml", "egress.yaml", "haproxy.cfg", "hec.env")) {
      Files.copy(TestImages.ROOT.resolve("deploy/config/" + f), stack.resolve("config/" + f));
    }
    KeyPair app = TestKeys.rsa2048();
    KeyPair caller = TestKeys.rsa2048();
    secret(stack.resolve("secrets/github-app-key.pem"), TestKeys.pkcs1Pem(app.getPrivate()));
    byte[] seal = new byte[32];
    new java.security.SecureRandom().nextBytes(seal);
    secret(stack.resolve("secrets/state-seal-key"), Base64.getEncoder().encodeToString(seal));
    Files.writeString(
        stack.resolve("secrets/caller-issuer-pub.pem"), TestKeys.publicPem(caller.getPublic()));
    ImagesPodmanTest.chown(stack.resolve("secrets"));

    String podmanArgs = String.join(" ", podman.argv(List.of()).subList(1, 7));
    run(
        List.of(TestImages.ROOT.resolve("deploy/images/local-deps.sh").toString()),
        Map.of("PODMAN", "podman " + podmanArgs),
        podman,
        stack);
    int brokerPort = ImagesPodmanTest.freePort();
    int egressPort = ImagesPodmanTest.freePort();
    Map<String, String> env =
        Map.of(
            "GITHUB_APP_ID", "424242",
            "REDIS_IMAGE", "localhost/redis:local",
            "PROXY_IMAGE", "localhost/haproxy:local",
            "BROKER_PORT", "127.0.0.1:" + brokerPort,
            "EGRESS_PORT", "127.0.0.1:" + egressPort);
    List<String> compose = List.of("podman-compose", "--podman-args", podmanArgs, "-p", PROJECT);
    try {
      run(concat(compose, List.of("up", "-d")), env, podman, stack);
      URI ready = URI.create("http://127.0.0.1:" + brokerPort + "/q/health/ready");
      // HTTP/1.1: the JDK client's default h2c upgrade would keep one connection (one broker).
      HttpClient http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(2))
              .build();
      long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
      // Requests through the proxy until HAProxy's access log shows a 200 from each broker (the
      // second broker may become ready later than the first; conmon writes the log a little
      // after the answer).
      String proxyLog = "";
      while (!answered(proxyLog, "broker-1") || !answered(proxyLog, "broker-2")) {
        assertTrue(
            System.nanoTime() < deadline,
            "both brokers never answered through the proxy:\n" + proxyLog + logs(podman));
        try {
          http.send(
              HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.discarding());
        } catch (java.io.IOException e) {
          // not up yet
        }
        Thread.sleep(200);
        proxyLog = podman.ok(List.of("logs", PROJECT + "_proxy_1"));
      }
      for (String service : List.of("broker-1", "broker-2", "egress", "redis", "proxy")) {
        String name = PROJECT + "_" + service + "_1";
        assertEquals(
            "true 10001:10001",
            podman
                .ok(
                    List.of(
                        "inspect",
                        "--format",
                        "{{.HostConfig.ReadonlyRootfs}} {{.Config.User}}",
                        name))
                .strip(),
            name);
      }
      try (Socket s = new Socket("127.0.0.1", egressPort)) {
        OutputStream out = s.getOutputStream();
        out.write("CONNECT example.com:443 HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String head = new String(s.getInputStream().readNBytes(120), StandardCharsets.US_ASCII);
        assertTrue(head.contains("X-Egress-Reason: host_not_allowed"), head);
      }
    } finally {
      run(concat(compose, List.of("down", "-v")), env, podman, stack);
      podman.run(List.of("network", "rm", "-f", PROJECT + "_default"), 60);
    }
    assertEquals("", podman.ok(List.of("ps", "-a", "--format", "{{.Names}}")).strip());
  }

  private static boolean answered(String proxyLog, String broker) {
    return proxyLog
        .lines()
        .anyMatch(l -> l.contains("brokers/" + broker + " ") && l.contains(" 200 "));
  }

  private static String logs(Podman podman) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (String service : List.of("broker-1", "broker-2", "proxy")) {
      sb.append("\n--- ").append(service).append('\n');
      sb.append(
          podman.run(List.of("logs", "--tail", "20", PROJECT + "_" + service + "_1"), 30).out());
    }
    return sb.toString();
  }

  private static void secret(Path file, String content) throws Exception {
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, content);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static void run(List<String> argv, Map<String, String> env, Podman podman, Path cwd)
      throws Exception {
    Path log = Files.createTempFile("compose-", ".log");
    ProcessBuilder pb =
        new ProcessBuilder(argv)
            .directory(cwd.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(new File("/dev/null"));
    pb.environment().putAll(env);
    pb.environment().put("CONTAINERS_CONF", podman.conf().toString());
    Process p = pb.start();
    boolean done = p.waitFor(300, TimeUnit.SECONDS);
    String out = Files.readString(log);
    Files.delete(log);
    if (!done) {
      p.destroyForcibly();
    }
    assertTrue(done && p.exitValue() == 0, String.join(" ", argv) + " failed:\n" + out);
  }
}
