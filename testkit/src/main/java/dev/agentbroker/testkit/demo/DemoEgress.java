package dev.agentbroker.testkit.demo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The demo's egress proxy, as {@code ./run-egress --config} would start it, allowing the git host.
 * With injection ({@link DemoStack.Options#inject()}, ADR 0017) it also terminates TLS for the
 * sandboxes' proxy user {@link #INJECT_USER}: the git host poses as {@code github.com} (its leaf
 * names it, the proxy trusts its CA as the upstream, and the proxy alone resolves {@code
 * github.com} to 127.0.0.1 through a JDK hosts file), and the proxy mints with its own caller JWT
 * (identity {@code egress-injector}). Every secret here is a fresh random throwaway.
 */
final class DemoEgress {
  /** The proxy user of the demo's injected sandboxes (policy client 10.200.0.0/16). */
  static final String INJECT_USER = "sandbox-inject";

  private DemoEgress() {}

  /** The files an injecting demo writes for the {@code agent} CLI (all mode 600). */
  record InjectFiles(int controlPort, Path controlSecret, Path proxySecret) {
    /**
     * The {@code agent.env} lines for {@code agent run --inject}: no git host CA and no git host
     * (no credential helper): git talks to "github.com" through the proxy.
     */
    String agentEnv() {
      return "export AGENT_INJECT_CONTROL_URL=http://127.0.0.1:"
          + controlPort
          + "\nexport AGENT_INJECT_SECRET_FILE="
          + controlSecret
          + "\nexport AGENT_INJECT_PROXY_USER="
          + INJECT_USER
          + "\nexport AGENT_INJECT_PROXY_SECRET_FILE="
          + proxySecret
          + "\n";
    }
  }

  /**
   * Writes the settings and starts the proxy on {@code port}; returns the process once it listens.
   */
  static Process start(
      Path work,
      Path policy,
      String classpath,
      int port,
      int gitPort,
      InjectFiles inject,
      String brokerUrl)
      throws Exception {
    Path settings = work.resolve("egress.yaml");
    StringBuilder y =
        new StringBuilder("# Demo egress settings: see egress/README.md for every key.\n")
            .append("listen: [\"127.0.0.1:")
            .append(port)
            .append("\"]\npolicy_file: ")
            .append(policy)
            .append("\naudit_dir: ")
            .append(work.resolve("egress-audit"))
            .append("\ngroups:\n");
    if (inject == null) {
      y.append("  github: {ports: [443]}\n");
    } else {
      // The git host stands in for github.com on its own port, on loopback.
      y.append("  github: {ports: [443, ")
          .append(gitPort)
          .append("], internal_hosts: [github.com], allow_ips: [\"127.0.0.1/32\"]}\n");
    }
    y.append("  model-apis: {ports: [443]}\n")
        .append("  nix: {ports: [443]}\n")
        .append("  demo-git: {ports: [")
        .append(gitPort)
        // The demo's git host is on loopback: internal_hosts alone covers private ranges only,
        // so loopback must also be listed in allow_ips (egress/README.md).
        .append("], internal_hosts: [localhost], allow_ips: [\"127.0.0.1/32\", \"::1/128\"]}\n");
    List<String> jvm = new ArrayList<>(List.of("java", "-Xmx256m", "-XX:+UseSerialGC"));
    if (inject != null) {
      y.append("proxy_users:\n  ")
          .append(INJECT_USER)
          .append(": {password_sha256: \"")
          .append(sha256Hex(Files.readString(inject.proxySecret()).strip()))
          .append("\"}\ninject:\n  mode: github\n  users: [")
          .append(INJECT_USER)
          .append("]\n  control_listen: \"127.0.0.1:")
          .append(inject.controlPort())
          .append("\"\n  control_secret_file: ")
          .append(inject.controlSecret())
          .append("\n  broker_url: ")
          .append(brokerUrl)
          .append("\n  broker_jwt_file: ")
          .append(work.resolve("egress-injector.jwt"))
          .append("\n  upstream_ca_file: ")
          .append(work.resolve("git-ca.pem"))
          .append("\n  ca_cert_file: ")
          .append(work.resolve("inject-ca.pem"))
          .append('\n');
      // Only the proxy's own JVM resolves github.com to the local git host.
      Path hosts = work.resolve("egress-hosts");
      Files.writeString(hosts, "127.0.0.1 github.com\n127.0.0.1 localhost\n");
      jvm.add("-Djdk.net.hosts.file=" + hosts);
    }
    Files.writeString(settings, y.toString());
    jvm.addAll(
        List.of(
            "-cp",
            classpath,
            "dev.agentbroker.egress.EgressMain",
            "--config",
            settings.toString()));
    ProcessBuilder pb = new ProcessBuilder(jvm);
    pb.redirectErrorStream(true).redirectOutput(work.resolve("egress.log").toFile());
    Process egress = pb.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (!egress.isAlive()) {
        throw new IllegalStateException(
            "the egress proxy exited: " + Files.readString(work.resolve("egress.log")));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return egress;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    egress.destroyForcibly();
    throw new IllegalStateException("the egress proxy did not listen within 30 s");
  }

  /** The registration API's and the proxy user's secrets, fresh, in mode-600 files. */
  static InjectFiles writeInjectSecrets(Path work, int controlPort) throws IOException {
    return new InjectFiles(
        controlPort,
        secretFile(work.resolve("inject-control.secret")),
        secretFile(work.resolve("inject-proxy.secret")));
  }

  /**
   * The demo policy with the sandboxes' client entry bound to {@link #INJECT_USER}: no address-only
   * entry may cover injected sandboxes (docs/credential-injection.md, "Policy set-up").
   */
  static String injectPolicy(String policy) {
    String entry = "groups: [github, model-apis, demo-git]}";
    if (!policy.contains("cidr: 10.200.0.0/16") || !policy.contains(entry)) {
      throw new IllegalStateException("the demo policy has no sandbox client entry to bind");
    }
    return policy.replace(
        entry, "groups: [github, model-apis, demo-git], proxy_user: " + INJECT_USER + "}");
  }

  private static Path secretFile(Path p) throws IOException {
    byte[] b = new byte[24];
    new SecureRandom().nextBytes(b);
    Files.deleteIfExists(p);
    Files.createFile(
        p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(p, Base64.getUrlEncoder().withoutPadding().encodeToString(b) + "\n");
    return p;
  }

  static String sha256Hex(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
