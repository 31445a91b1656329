package dev.agentbroker.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.deploy.images.ImageBuild;
import dev.agentbroker.testkit.CallerTokens;
import dev.agentbroker.testkit.TestKeys;
import dev.agentbroker.testkit.github.GitHubSimulator;
import dev.agentbroker.testkit.github.SimulatorFixture;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The broker and egress images, built with Jib (offline base) and loaded into podman storage of
 * this test, run as an operator would harden them: read-only root, all capabilities dropped, no new
 * privileges, uid 10001, only /tmp and the state directory writable. The broker becomes ready by
 * its own health-check command and mints a token from a GitHub simulator on the host; the proxy
 * answers and decides.
 */
class ImagesPodmanTest {
  static final String ISSUER = "https://dev-issuer.agent-broker.local";
  static final String AUDIENCE = "agent-broker";
  static Path dir;
  static Podman podman;

  @BeforeAll
  static void build() throws Exception {
    TestImages images = TestImages.get();
    dir = images.dir;
    podman = images.podman;
  }

  /** The hardening flags every run here uses. */
  static List<String> hardened(String name) {
    return new ArrayList<>(
        List.of(
            "run",
            "-d",
            "--name",
            name,
            "--network",
            "host",
            "--read-only",
            "--cap-drop",
            "all",
            "--security-opt",
            "no-new-privileges",
            "--user",
            ImageBuild.USER,
            "--tmpfs",
            "/tmp:rw,size=64m"));
  }

  @Test
  void brokerImageBecomesReadyReadOnlyAndMints() throws Exception {
    KeyPair app = TestKeys.rsa2048();
    KeyPair caller = TestKeys.rsa2048();
    try (GitHubSimulator sim =
        GitHubSimulator.start(SimulatorFixture.demo(app.getPublic()), Clock.systemUTC())) {
      Path secrets = dir.resolve("broker-secrets");
      Files.createDirectories(secrets);
      Path key = secrets.resolve("github-app-key.pem");
      Files.createFile(
          key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(key, TestKeys.pkcs1Pem(app.getPrivate()));
      Files.writeString(
          secrets.resolve("caller-issuer.pem"), TestKeys.publicPem(caller.getPublic()));
      try (InputStream in = ImagesPodmanTest.class.getResourceAsStream("/demo/policy.yaml")) {
        Files.write(secrets.resolve("policy.yaml"), in.readAllBytes());
      }
      // The service user owns its secrets (the broker refuses a key file others can read).
      chown(secrets);
      int port = freePort();
      String ready = "http://127.0.0.1:" + port + "/q/health/ready";
      List<String> args = hardened("broker-1");
      args.addAll(
          List.of(
              "--tmpfs",
              "/var/lib/agent-broker:rw,size=64m,U",
              "-v",
              secrets + ":/run/secrets:ro",
              "--health-cmd",
              json(ImageBuild.probe("/opt/java/bin/java", ready)),
              "--health-interval",
              "disable",
              "-e",
              "QUARKUS_HTTP_PORT=" + port,
              "-e",
              "BROKER_GITHUB_API_URL=" + sim.baseUri(),
              "-e",
              "BROKER_GITHUB_APP_ID=424242",
              "-e",
              "BROKER_KEY_SOURCE=file",
              "-e",
              "BROKER_KEY_FILE=/run/secrets/github-app-key.pem",
              "-e",
              "BROKER_POLICY_FILE=/run/secrets/policy.yaml",
              "-e",
              "BROKER_JWT_ISSUERS_DEV_ISSUER=" + ISSUER,
              "-e",
              "BROKER_JWT_ISSUERS_DEV_PUBLIC_KEY_LOCATION=/run/secrets/caller-issuer.pem",
              "-e",
              "BROKER_JWT_ISSUERS_DEV_AUDIENCES=" + AUDIENCE,
              ImageBuild.BROKER_TAG));
      podman.ok(args);
      awaitHealthy("broker-1", ImageBuild.BROKER_TAG, ready);
      assertEquals("10001", processUid("broker-1"), "the broker runs as the service user");

      String jwt =
          CallerTokens.rs256(ISSUER, caller.getPrivate())
              .subject("agent-launcher")
              .audience(AUDIENCE)
              .expiresAt(Instant.now().plus(Duration.ofMinutes(10)))
              .sign();
      HttpResponse<String> minted =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/token"))
                      .header("Authorization", "Bearer " + jwt)
                      .header("Content-Type", "application/json")
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"owner\":\"acme\",\"repositories\":[\"svc-a\"],"
                                  + "\"permissions\":{\"contents\":\"read\"}}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(201, minted.statusCode(), minted.body());
      assertTrue(minted.body().contains("\"lease_id\""), minted.body());
      assertEquals(1, sim.activeTokenCount());
      String logs = podman.ok(List.of("logs", "broker-1"));
      assertFalse(logs.contains("BEGIN RSA PRIVATE KEY"), "no key in the logs");
      assertFalse(logs.contains(jwt), "no caller JWT in the logs");
    } finally {
      podman.run(List.of("rm", "--force", "--time", "0", "broker-1"), 60);
    }
  }

  @Test
  void egressImageAnswersAndDecides() throws Exception {
    int port = freePort();
    Path config = dir.resolve("egress-config");
    Files.createDirectories(config);
    Files.writeString(
        config.resolve("egress.yaml"),
        "listen: [\"127.0.0.1:"
            + port
            + "\"]\nmetrics_listen: \"127.0.0.1:"
            + freePort()
            + "\"\naudit_dir: /var/lib/agent-egress/audit\n");
    List<String> args = hardened("egress-1");
    args.addAll(
        List.of(
            "--tmpfs",
            "/var/lib/agent-egress:rw,size=64m,U",
            "-v",
            config + ":/etc/agent-egress:ro",
            "--health-cmd",
            json(ImageBuild.probe("/opt/java/bin/java", "tcp://127.0.0.1:" + port)),
            "--health-interval",
            "disable",
            ImageBuild.EGRESS_TAG));
    podman.ok(args);
    try {
      awaitHealthy("egress-1", ImageBuild.EGRESS_TAG, "tcp://127.0.0.1:" + port);
      assertEquals("10001", processUid("egress-1"));
      // The embedded allowlist lets loopback clients reach GitHub only.
      try (Socket s = new Socket("127.0.0.1", port)) {
        OutputStream out = s.getOutputStream();
        out.write(
            "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String head = new String(s.getInputStream().readNBytes(200), StandardCharsets.US_ASCII);
        assertTrue(head.startsWith("HTTP/1.1 403"), head);
        assertTrue(head.contains("X-Egress-Reason: host_not_allowed"), head);
      }
    } finally {
      podman.run(List.of("rm", "--force", "--time", "0", "egress-1"), 60);
    }
  }

  @Test
  void imagesRunAsTheServiceUserAndHoldNoShell() throws Exception {
    for (String tag : List.of(ImageBuild.BROKER_TAG, ImageBuild.EGRESS_TAG)) {
      assertEquals(
          "10001:10001",
          podman.ok(List.of("image", "inspect", "--format", "{{.Config.User}}", tag)).strip(),
          tag);
      Podman.Result sh =
          podman.run(
              List.of(
                  "run", "--rm", "--network", "none", "--entrypoint", "/bin/sh", tag, "-c", "true"),
              60);
      assertTrue(sh.exit() != 0, tag + " has a shell: " + sh.out());
    }
  }

  /**
   * Runs the image's health check until it passes; fails if the container stops first. The check is
   * the image's own probe command, run as podman runs it ({@code podman healthcheck run}, an exec
   * into the container). Where podman cannot exec into a container (seen in the minimal
   * fresh-machine chroot), the same command from the same image runs in a sibling container in the
   * same (host) network namespace, as the service user on a read-only root: the probe and its
   * target are the same, only the way in differs. Either way the probe must report healthy.
   */
  static void awaitHealthy(String name, String image, String target) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    long execUntil = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    Podman.Result last = null;
    while (System.nanoTime() < deadline) {
      boolean viaExec = System.nanoTime() < execUntil;
      last =
          viaExec
              ? podman.run(List.of("healthcheck", "run", name), 30)
              : podman.run(sibling(image, target), 60);
      if (last.exit() == 0) {
        if (!viaExec) {
          System.out.println(name + ": healthy by its probe in a sibling container");
        }
        return;
      }
      String state = podman.ok(List.of("inspect", "--format", "{{.State.Status}}", name)).strip();
      if (!"running".equals(state)) {
        throw new AssertionError(
            name + " is " + state + ": " + podman.run(List.of("logs", name), 30).out());
      }
      Thread.sleep(250);
    }
    throw new AssertionError(
        name
            + " never became healthy: "
            + last.out()
            + podman.run(List.of("logs", name), 30).out());
  }

  /** The image's probe command in a throwaway container beside the service. */
  static List<String> sibling(String image, String target) {
    List<String> probe = ImageBuild.probe("/opt/java/bin/java", target);
    List<String> argv =
        new java.util.ArrayList<>(
            List.of(
                "run",
                "--rm",
                "--network",
                "host",
                "--read-only",
                "--cap-drop",
                "all",
                "--user",
                ImageBuild.USER,
                "--tmpfs",
                "/tmp:rw,size=16m",
                "--entrypoint",
                probe.get(0),
                image));
    argv.addAll(probe.subList(1, probe.size()));
    return argv;
  }

  static String processUid(String name) throws Exception {
    String pid = podman.ok(List.of("inspect", "--format", "{{.State.Pid}}", name)).strip();
    for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
      if (line.startsWith("Uid:")) {
        return line.split("\\s+")[1];
      }
    }
    throw new AssertionError("no Uid line for " + pid);
  }

  static void chown(Path dir) throws Exception {
    Process p =
        new ProcessBuilder("chown", "-R", ImageBuild.USER, dir.toString()).inheritIO().start();
    assertEquals(0, p.waitFor());
  }

  static String json(List<String> argv) {
    StringBuilder sb = new StringBuilder("[");
    for (String a : argv) {
      sb.append(sb.length() > 1 ? "," : "").append('"').append(a).append('"');
    }
    return sb.append(']').toString();
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
