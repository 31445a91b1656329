package dev.agentbroker.egress.internal.inject;

import dev.agentbroker.egress.EgressMain;
import dev.agentbroker.egress.EgressProxy;
import dev.agentbroker.egress.Resolver;
import dev.agentbroker.egress.support.Harness;
import dev.agentbroker.testkit.CallerTokens;
import dev.agentbroker.testkit.MutableClock;
import dev.agentbroker.testkit.TestKeys;
import dev.agentbroker.testkit.git.GitHttpHost;
import dev.agentbroker.testkit.github.GitHubSimulator;
import dev.agentbroker.testkit.github.SimulatorFixture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The injecting proxy in front of local stand-ins: the GitHub simulator, its HTTPS git host (leaf
 * also valid for {@code github.com}), an HTTPS API stand-in for {@code api.github.com} and a broker
 * stand-in. The proxy resolves both names to 127.0.0.1 (named internal hosts, loopback allowed) and
 * trusts the two upstream CAs; proxy user {@code sandbox-1} is injected, {@code plain-1} gets
 * opaque tunnels, and a client without credentials is asked for them (407).
 */
final class InjectHarness implements AutoCloseable {
  static final String USER = "sandbox-1";

  /** A proxy user that is not injected: its CONNECTs stay opaque tunnels. */
  static final String PLAIN_USER = "plain-1";

  static final String PROXY_SECRET = "sandbox-proxy-secret-0123456789abcdef";
  static final String CONTROL_SECRET = "control-secret-0123456789abcdefghijklmnop";

  final Path dir;
  final MutableClock clock = new MutableClock(Instant.now());
  final KeyPair appKey = TestKeys.rsa2048();
  final GitHubSimulator sim;
  final GitHttpHost git;
  final CertificateAuthority upstreamCa =
      CertificateAuthority.generate("upstream-test", Duration.ofDays(1), Duration.ofDays(1));
  final ApiStandIn api;
  final StandInBroker broker;
  final EgressProxy proxy;
  final Injector injector;
  final Path caPem;
  final String callerJwt;
  final StringBuffer logs = new StringBuffer();
  private final Handler capture;
  private final HttpClient http = HttpClient.newHttpClient();

  InjectHarness(Path dir, long maxBodyBytes) throws Exception {
    this.dir = dir;
    capture =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            logs.append(r.getLoggerName()).append(' ').append(r.getMessage()).append('\n');
            if (r.getThrown() != null) {
              logs.append(r.getThrown()).append('\n');
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger.getLogger("").addHandler(capture);
    sim = GitHubSimulator.start(SimulatorFixture.demo(appKey.getPublic()), clock);
    git =
        GitHttpHost.start(
            sim,
            dir.resolve("repos"),
            List.of("acme/svc-a", "acme/svc-b"),
            0,
            maxBodyBytes,
            List.of("github.com"));
    api = new ApiStandIn(sim, upstreamCa);
    KeyPair callerKey = TestKeys.ecP256();
    callerJwt =
        CallerTokens.es256("https://issuer.test", callerKey.getPrivate())
            .subject("egress-injector")
            .audience("broker")
            .expiresAt(Instant.now().plus(Duration.ofHours(1)))
            .sign();
    broker = new StandInBroker(sim, appKey.getPrivate(), clock, callerJwt);
    Files.writeString(dir.resolve("upstream-ca.pem"), git.caPem() + upstreamCa.certificatePem());
    Files.writeString(dir.resolve("broker.jwt"), callerJwt + "\n");
    Path secret = dir.resolve("control.secret");
    Files.writeString(secret, CONTROL_SECRET + "\n");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(
        dir.resolve("policy.yaml"),
        "version: 1\nidentities: []\negress:\n  groups:\n"
            + "    github: [github.com, api.github.com, codeload.github.com,"
            + " \"*.githubusercontent.com\"]\n"
            + "  clients:\n"
            + "    - {cidr: 127.0.0.0/8, profile: autonomous, groups: [github], proxy_user: "
            + PLAIN_USER
            + "}\n"
            + "    - {cidr: 127.0.0.1/32, profile: autonomous, groups: [github], proxy_user: "
            + USER
            + "}\n");
    Path settings = dir.resolve("egress.yaml");
    Files.writeString(
        settings,
        "listen: [\"127.0.0.1:0\"]\n"
            + "policy_file: policy.yaml\n"
            + "reload_interval: 1h\n"
            + "audit_dir: audit\n"
            + "transport: "
            + Harness.TRANSPORT
            + "\nevent_loops: 2\n"
            + "groups:\n"
            + "  github: {ports: ["
            + git.port()
            + ", "
            + api.port()
            + "], internal_hosts: [github.com, api.github.com], allow_ips: [\"127.0.0.1/32\"]}\n"
            + "proxy_users:\n  "
            + USER
            + ": {password_sha256: \""
            + Harness.sha256Hex(PROXY_SECRET)
            + "\"}\n  "
            + PLAIN_USER
            + ": {password_sha256: \""
            + Harness.sha256Hex(PROXY_SECRET)
            + "\"}\n"
            + "inject:\n"
            + "  mode: github\n"
            + "  users: ["
            + USER
            + "]\n"
            + "  control_listen: \"127.0.0.1:0\"\n"
            + "  control_secret_file: control.secret\n"
            + "  broker_url: "
            + broker.uri()
            + "\n  broker_jwt_file: broker.jwt\n"
            + "  upstream_ca_file: upstream-ca.pem\n"
            + "  ca_cert_file: inject-ca.pem\n");
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    Resolver resolver =
        host -> {
          if (host.equals("github.com") || host.equals("api.github.com")) {
            return List.of(loopback);
          }
          throw new UnknownHostException(host);
        };
    proxy =
        EgressProxy.builder(EgressMain.loadSettings(settings))
            .settingsFile(settings)
            .inject(EgressMain.injectSettings(settings))
            .resolver(resolver)
            .clock(clock)
            .start();
    injector = proxy.injector().orElseThrow();
    caPem = dir.resolve("inject-ca.pem");
  }

  int proxyPort() {
    return proxy.listenAddresses().get(0).getPort();
  }

  String proxyUrl(boolean withCredentials) {
    return "http://"
        + (withCredentials ? USER + ":" + PROXY_SECRET + "@" : "")
        + "127.0.0.1:"
        + proxyPort();
  }

  String gitUrl(String repo) {
    return "https://github.com:" + git.port() + "/" + repo + ".git";
  }

  String apiUrl(String path) {
    return "https://api.github.com:" + api.port() + path;
  }

  /** Calls the registration API; returns status and body. */
  HttpResponse<String> control(String method, String path, String bearer, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + injector.controlAddress().getPort() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Registers run {@code id} for {@link #USER} on acme's {@code repos} with contents write. */
  HttpResponse<String> register(String id, String... repos) throws Exception {
    StringBuilder r = new StringBuilder();
    for (String repo : repos) {
      r.append(r.length() == 0 ? "" : ",").append('"').append(repo).append('"');
    }
    String body =
        "{\"proxy_user\":\""
            + USER
            + "\",\"owner\":\"acme\",\"repositories\":["
            + r
            + "],\"permissions\":{\"contents\":\"write\",\"metadata\":\"read\"},"
            + "\"expires_at\":\""
            + clock.instant().plus(Duration.ofHours(2))
            + "\"}";
    return control("PUT", "/runs/" + id, CONTROL_SECRET, body);
  }

  /** The environment a sandbox gets: the proxy (with its proxy user) and the CA, nothing else. */
  Map<String, String> sandboxEnv() {
    return Map.of(
        "HOME", dir.resolve("home").toString(),
        "PATH", System.getenv("PATH"),
        "HTTPS_PROXY", proxyUrl(true),
        "GIT_SSL_CAINFO", caPem.toString(),
        "GIT_TERMINAL_PROMPT", "0",
        "GIT_CONFIG_NOSYSTEM", "1",
        "GIT_AUTHOR_NAME", "agent",
        "GIT_AUTHOR_EMAIL", "agent@example.invalid",
        "GIT_COMMITTER_NAME", "agent",
        "GIT_COMMITTER_EMAIL", "agent@example.invalid");
  }

  record Result(int exit, String output) {}

  /** Runs a command with exactly {@code env}, in {@code cwd}. */
  static Result run(Path cwd, Map<String, String> env, String... cmd) throws Exception {
    Files.createDirectories(cwd);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(env);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + String.join(" ", cmd));
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  Result git(Path cwd, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("git"));
    cmd.addAll(List.of(args));
    return run(cwd, sandboxEnv(), cmd.toArray(new String[0]));
  }

  /** Every journal file's text. */
  String journalText() throws IOException {
    StringBuilder b = new StringBuilder();
    try (Stream<Path> files = Files.walk(dir.resolve("audit"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        b.append(Files.readString(f, StandardCharsets.ISO_8859_1));
      }
    }
    return b.toString();
  }

  @Override
  public void close() {
    try {
      proxy.close();
    } finally {
      broker.close();
      api.close();
      git.close();
      sim.close();
      Logger.getLogger("").removeHandler(capture);
    }
  }
}
