package dev.agentbroker.testkit.demo;

import dev.agentbroker.testkit.CallerTokens;
import dev.agentbroker.testkit.TestKeys;
import dev.agentbroker.testkit.git.GitHttpHost;
import dev.agentbroker.testkit.github.GitHubSimulator;
import dev.agentbroker.testkit.github.SimulatorFixture;
import dev.agentbroker.testkit.sso.OidcProvider;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole chain on one machine, as {@code ./run-demo} and the end-to-end tests start it: the
 * GitHub App simulator, a local HTTPS git host standing in for github.com, the unmodified broker
 * fast-jar and (optionally) the egress proxy as child processes configured the way an operator
 * would (ADR 0004), a dev caller issuer, and the {@code agent.env} file that points the {@code
 * agent} CLI at all of it. Every credential here is a throwaway of the local dev issuer.
 */
public final class DemoStack implements AutoCloseable {
  static final String ISSUER = "https://dev-issuer.agent-broker.local";
  static final String AUDIENCE = "agent-broker";
  static final String HUMAN_ISSUER = "https://dev-humans.agent-broker.local";
  static final String SSO_CLIENT = "breakglass-page";

  /** The repositories the git host serves (the simulator's acme installation). */
  public static final List<String> GIT_REPOS =
      List.of("acme/svc-a", "acme/svc-b", "acme/svc-c", "acme/docs");

  /**
   * What to start. {@code extraIdentities}: policy identities (YAML list items, indented like the
   * demo policy's) added to the demo policy, e.g. for a test issuer. {@code classicTokens}: the
   * simulator mints 40-character tokens instead of GitHub's ~520-character stateless ones. {@code
   * inject}: the egress proxy injects the GitHub credential for the sandboxes' proxy user, with the
   * git host posing as {@code github.com} (ADR 0017; needs {@code egressClasspath}).
   */
  public record Options(
      Path brokerJar,
      Path work,
      int brokerPort,
      Optional<String> egressClasspath,
      Map<String, String> extraBrokerEnv,
      boolean brokerOutputToFile,
      String extraIdentities,
      boolean classicTokens,
      boolean inject) {
    /** Stateless tokens, as GitHub mints them, and no injection. */
    public Options(
        Path brokerJar,
        Path work,
        int brokerPort,
        Optional<String> egressClasspath,
        Map<String, String> extraBrokerEnv,
        boolean brokerOutputToFile,
        String extraIdentities) {
      this(
          brokerJar,
          work,
          brokerPort,
          egressClasspath,
          extraBrokerEnv,
          brokerOutputToFile,
          extraIdentities,
          false,
          false);
    }
  }

  private final Options options;
  private final List<Process> children = new ArrayList<>();
  private GitHubSimulator sim;
  private GitHttpHost git;
  private OidcProvider sso;
  private PrivateKey callerKey;
  private URI brokerUrl;
  private int egressPort;
  private DemoEgress.InjectFiles inject;
  private Map<String, String> brokerEnv = Map.of();
  private final List<BrokerProcess> replicas = new java.util.concurrent.CopyOnWriteArrayList<>();

  private DemoStack(Options options) {
    this.options = options;
  }

  /** Starts everything and waits until the broker is ready and the proxy listens. */
  public static DemoStack start(Options options) throws Exception {
    DemoStack s = new DemoStack(options);
    try {
      s.startAll();
      return s;
    } catch (Exception | Error e) {
      s.close();
      throw e;
    }
  }

  private void startAll() throws Exception {
    Path work = options.work().toAbsolutePath();
    Files.createDirectories(work);
    KeyPair appKey = TestKeys.rsa2048();
    KeyPair caller = TestKeys.rsa2048();
    KeyPair human = TestKeys.rsa2048();
    callerKey = caller.getPrivate();
    Path keyFile = work.resolve("dev-app-key.pem");
    Files.deleteIfExists(keyFile);
    Files.createFile(
        keyFile,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(keyFile, TestKeys.pkcs1Pem(appKey.getPrivate()));
    Path callerPub = work.resolve("dev-caller-issuer-pub.pem");
    Files.writeString(callerPub, TestKeys.publicPem(caller.getPublic()));
    Path humanPub = work.resolve("dev-human-issuer-pub.pem");
    Files.writeString(humanPub, TestKeys.publicPem(human.getPublic()));
    Path policy = work.resolve("policy.yaml");
    try (var in = DemoStack.class.getResourceAsStream("/demo/policy.yaml")) {
      String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      text = text.replace("egress:\n", options.extraIdentities() + "egress:\n");
      Files.writeString(policy, options.inject() ? DemoEgress.injectPolicy(text) : text);
    }
    sim =
        GitHubSimulator.start(
            SimulatorFixture.demo(appKey.getPublic()).withStatelessTokens(!options.classicTokens()),
            Clock.systemUTC());
    git =
        GitHttpHost.start(
            sim,
            work.resolve("git"),
            GIT_REPOS,
            0,
            GitHttpHost.DEFAULT_MAX_BODY_BYTES,
            // Injection: the proxy verifies the upstream it connects to as github.com.
            options.inject() ? List.of("github.com") : List.of());
    git.writeCaPem(work.resolve("git-ca.pem"));

    Map<String, String> env = new java.util.LinkedHashMap<>();
    env.put("QUARKUS_HTTP_PORT", Integer.toString(options.brokerPort()));
    env.put("BROKER_GITHUB_API_URL", sim.baseUri().toString());
    env.put("BROKER_GITHUB_APP_ID", "424242");
    env.put("BROKER_KEY_SOURCE", "file");
    env.put("BROKER_KEY_FILE", keyFile.toString());
    env.put("BROKER_POLICY_FILE", policy.toString());
    env.put("BROKER_AUDIT_JOURNAL_DIR", work.resolve("journal").toString());
    env.put("BROKER_JWT_ISSUERS_DEV_ISSUER", ISSUER);
    env.put("BROKER_JWT_ISSUERS_DEV_PUBLIC_KEY_LOCATION", callerPub.toString());
    env.put("BROKER_JWT_ISSUERS_DEV_AUDIENCES", AUDIENCE);
    // A separate, human-only issuer for the break-glass page (two dev humans: alice and bob).
    env.put("BROKER_JWT_ISSUERS_HUMANS_ISSUER", HUMAN_ISSUER);
    env.put("BROKER_JWT_ISSUERS_HUMANS_PUBLIC_KEY_LOCATION", humanPub.toString());
    env.put("BROKER_JWT_ISSUERS_HUMANS_AUDIENCES", AUDIENCE);
    env.put("BROKER_JWT_ISSUERS_HUMANS_HUMAN", "true");
    // The demo's hand-made tokens live for a working day, so a demo session does not expire under
    // its user; production issuers keep the 1 h default.
    env.put("BROKER_JWT_ISSUERS_DEV_MAX_TOKEN_LIFETIME", "8h");
    env.put("BROKER_JWT_ISSUERS_HUMANS_MAX_TOKEN_LIFETIME", "8h");
    env.put("BROKER_BREAKGLASS_STORE_FILE", work.resolve("breakglass.json").toString());
    // The page signs people in at a local SSO (alice/alice, bob/bob), itself a human issuer whose
    // access tokens the API also takes. The origin is localhost: open the page there.
    String origin = "http://localhost:" + options.brokerPort();
    sso = OidcProvider.start(Clock.systemUTC());
    String clientSecret = java.util.UUID.randomUUID().toString();
    sso.registerClient(
        SSO_CLIENT, clientSecret, URI.create(origin + "/breakglass/signin/callback"), AUDIENCE);
    for (String h : List.of("alice", "bob")) {
      sso.addUser(h, h, h, Map.of("email", h + "@acme.example", "name", h));
    }
    env.put("BROKER_JWT_ISSUERS_SSO_ISSUER", sso.issuer());
    // A file, not the provider's http: URL: the broker refuses plain-HTTP key URLs.
    env.put(
        "BROKER_JWT_ISSUERS_SSO_PUBLIC_KEY_LOCATION",
        sso.writeJwks(work.resolve("sso-jwks.json")).toString());
    env.put("BROKER_JWT_ISSUERS_SSO_AUDIENCES", AUDIENCE);
    env.put("BROKER_JWT_ISSUERS_SSO_HUMAN", "true");
    env.put("BROKER_BREAKGLASS_SIGN_IN", "oidc");
    env.put("BROKER_BREAKGLASS_ORIGIN", origin);
    env.put("BROKER_BREAKGLASS_OIDC_ISSUER", sso.issuer());
    env.put("BROKER_BREAKGLASS_OIDC_CLIENT_ID", SSO_CLIENT);
    env.put("BROKER_BREAKGLASS_OIDC_CLIENT_SECRET", clientSecret);
    env.putAll(options.extraBrokerEnv());
    brokerEnv = Map.copyOf(env);
    BrokerProcess broker =
        BrokerProcess.spawn(
            options.brokerJar(),
            env,
            options.brokerPort(),
            options.brokerOutputToFile()
                ? Optional.of(work.resolve("broker.log"))
                : Optional.empty());
    children.add(broker.process());
    brokerUrl = URI.create("http://127.0.0.1:" + options.brokerPort());
    if (options.egressClasspath().isPresent()) {
      egressPort = freePort();
      if (options.inject()) {
        inject = DemoEgress.writeInjectSecrets(work, freePort());
        Files.writeString(
            work.resolve("egress-injector.jwt"),
            callerJwt("egress-injector", Instant.now().plus(Duration.ofHours(8))) + "\n");
      }
      children.add(
          DemoEgress.start(
              work,
              policy,
              options.egressClasspath().get(),
              egressPort,
              git.port(),
              inject,
              brokerUrl.toString()));
    } else if (options.inject()) {
      throw new IllegalArgumentException("inject needs the egress proxy (egressClasspath)");
    }
    if (!broker.awaitReady(Duration.ofSeconds(60))) {
      throw new IllegalStateException(
          "the broker did not become ready (see its output"
              + (options.brokerOutputToFile() ? " in " + work.resolve("broker.log") : "")
              + ")");
    }
    // Start-up to ready, from the process spawn to the first 200 of /q/health/ready (polled every
    // 25 ms): what bench/startup-bench.sh reports.
    Files.writeString(
        work.resolve("broker-ready.ms"), Long.toString(broker.sinceSpawn().toMillis()));
    Instant now = Instant.now();
    Files.writeString(
        work.resolve("caller.jwt"), callerJwt("agent-launcher", now.plus(Duration.ofHours(8))));
    for (String h : List.of("alice", "bob")) {
      Files.writeString(
          work.resolve(h + ".jwt"),
          CallerTokens.rs256(HUMAN_ISSUER, human.getPrivate())
              .subject(h)
              .audience(AUDIENCE)
              .claim("email", h + "@acme.example")
              .issuedAt(now)
              .expiresAt(now.plus(Duration.ofHours(8)))
              .sign());
    }
    Files.writeString(work.resolve("broker.url"), brokerUrl.toString());
    Files.writeString(work.resolve("sim.url"), sim.baseUri().toString());
    Files.writeString(work.resolve("agent.env"), agentEnv(work));
  }

  private String agentEnv(Path work) {
    StringBuilder sb =
        new StringBuilder("# Settings for ./agent against this demo: . .demo/agent.env\n");
    sb.append("export AGENT_BROKER_URL=").append(brokerUrl).append('\n');
    sb.append("export AGENT_CALLER_TOKEN_FILE=").append(work.resolve("caller.jwt")).append('\n');
    if (egressPort > 0) {
      sb.append("export AGENT_EGRESS_PROXY=127.0.0.1:").append(egressPort).append('\n');
    }
    if (inject != null) {
      return sb.append(inject.agentEnv()).toString();
    }
    sb.append("export AGENT_GIT_HOST=localhost:").append(git.port()).append('\n');
    sb.append("export AGENT_CA_FILE=").append(work.resolve("git-ca.pem")).append('\n');
    return sb.toString();
  }

  /** A caller JWT of the dev issuer for {@code subject}, expiring at {@code exp}. */
  public String callerJwt(String subject, Instant exp) {
    Instant iat = exp.isBefore(Instant.now()) ? exp.minus(Duration.ofHours(1)) : Instant.now();
    return CallerTokens.rs256(ISSUER, callerKey)
        .subject(subject)
        .audience(AUDIENCE)
        .issuedAt(iat)
        .expiresAt(exp)
        .sign();
  }

  /** The break-glass page at its configured origin (localhost), where SSO sign-in works. */
  public URI breakGlassPage() {
    return URI.create("http://localhost:" + options.brokerPort() + "/breakglass/");
  }

  public URI brokerUrl() {
    return brokerUrl;
  }

  public GitHubSimulator simulator() {
    return sim;
  }

  public GitHttpHost git() {
    return git;
  }

  /** {@code 127.0.0.1:PORT} of the egress proxy, when started. */
  public Optional<String> egressProxy() {
    return egressPort > 0 ? Optional.of("127.0.0.1:" + egressPort) : Optional.empty();
  }

  /** {@code http://127.0.0.1:PORT} of the proxy's registration API, when injecting. */
  public Optional<URI> injectControlUrl() {
    return inject == null
        ? Optional.empty()
        : Optional.of(URI.create("http://127.0.0.1:" + inject.controlPort()));
  }

  /** The registration API's bearer secret file, when injecting. */
  public Optional<Path> injectControlSecret() {
    return inject == null ? Optional.empty() : Optional.of(inject.controlSecret());
  }

  public Path work() {
    return options.work().toAbsolutePath();
  }

  /** The broker process (the demo waits on it). */
  public Process broker() {
    return children.get(0);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * Starts one more broker with this stack's configuration on {@code port}: same App key, policy,
   * issuers and settings (so with {@code BROKER_STATE_STORE=redis} the same shared state), its own
   * journal ({@code journal-<port>}) and log ({@code broker-<port>.log}). Waits until it is ready;
   * {@link #close} stops it with the rest.
   */
  public BrokerProcess startReplica(int port) throws IOException, InterruptedException {
    Map<String, String> env = new java.util.LinkedHashMap<>(brokerEnv);
    env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
    env.put("BROKER_AUDIT_JOURNAL_DIR", work().resolve("journal-" + port).toString());
    Path log = work().resolve("broker-" + port + ".log");
    BrokerProcess replica = BrokerProcess.spawn(options.brokerJar(), env, port, Optional.of(log));
    replicas.add(replica);
    if (!replica.awaitReady(Duration.ofSeconds(60))) {
      throw new IllegalStateException("replica on port " + port + " did not become ready: " + log);
    }
    return replica;
  }

  @Override
  public void close() {
    replicas.forEach(BrokerProcess::close);
    for (Process p : children) {
      p.destroy();
    }
    for (Process p : children) {
      try {
        if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
    if (git != null) {
      git.close();
    }
    if (sim != null) {
      sim.close();
    }
    if (sso != null) {
      sso.close();
    }
  }
}
