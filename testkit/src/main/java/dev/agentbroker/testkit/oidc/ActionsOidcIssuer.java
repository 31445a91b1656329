package dev.agentbroker.testkit.oidc;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local GitHub Actions OIDC issuer: a real HTTP server on 127.0.0.1 (ephemeral port) serving
 * {@code /.well-known/openid-configuration}, {@code /.well-known/jwks} and runner token requests,
 * and signing RS256 ID tokens with GitHub's claim set.
 *
 * <pre>{@code
 * try (ActionsOidcIssuer oidc = ActionsOidcIssuer.start(clock)) {
 *   Run run = Run.builder("acme", 9_000_001, "svc-a", 700_001).environment("prod").build();
 *   String jwt = oidc.token(run, "agent-broker");        // what the broker's caller presents
 *   RequestCredentials job = oidc.requestFor(run);       // what a workflow step sees
 *   processBuilder.environment().putAll(job.environment());
 * }
 * }</pre>
 *
 * <p>Token times follow the injected clock; {@code iss} is {@link #issuer()}.
 */
public final class ActionsOidcIssuer implements AutoCloseable {
  static {
    // Same reason as GitHubSimulator: without it the JDK server stalls responses ~40 ms.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  private final HttpServer server;
  private final ExecutorService workers;
  private final Clock clock;
  private final String issuer;
  private final IssuerKeys keys = new IssuerKeys();
  private final OidcFaults faults = new OidcFaults();
  private final OidcHandler handler;

  private ActionsOidcIssuer(Clock clock) throws IOException {
    this.clock = clock;
    this.server =
        HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 256);
    this.issuer = "http://127.0.0.1:" + server.getAddress().getPort();
    this.handler =
        new OidcHandler(
            issuer, keys, faults, (run, aud) -> token(run, aud, ActionsTokens.DEFAULT_LIFETIME));
    AtomicInteger n = new AtomicInteger();
    this.workers =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "actions-oidc-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.createContext("/", handler);
    server.setExecutor(workers);
    server.start();
  }

  /** Starts an issuer with one signing key; token times follow {@code clock}. */
  public static ActionsOidcIssuer start(Clock clock) throws IOException {
    return new ActionsOidcIssuer(Objects.requireNonNull(clock, "clock"));
  }

  /** E.g. {@code http://127.0.0.1:41234}: the tokens' {@code iss}, without a trailing slash. */
  public String issuer() {
    return issuer;
  }

  public URI jwksUri() {
    return URI.create(issuer + OidcHandler.JWKS);
  }

  /** Writes the JWKS as served now to {@code file}, for configurations that read a file. */
  public Path writeJwks(Path file) throws IOException {
    return Files.write(file, keys.jwks());
  }

  public OidcFaults faults() {
    return faults;
  }

  /** A new key (new {@code kid}) signs from now on; the old ones stay published. */
  public String rotateKey() {
    return keys.rotate();
  }

  /** Stops publishing a retired key: tokens it signed no longer verify against the JWKS. */
  public void removeKey(String kid) {
    keys.remove(kid);
  }

  /** The {@code kid} of the key signing new tokens. */
  public String currentKeyId() {
    return keys.current().kid();
  }

  /** How many times the JWKS was requested (including 503 answers): lets tests see caching. */
  public int jwksRequests() {
    return handler.jwksRequests.get();
  }

  /** An ID token for {@code run} with {@code aud} = {@code audience}, valid for 5 minutes. */
  public String token(Run run, String audience) {
    return token(run, audience, ActionsTokens.DEFAULT_LIFETIME);
  }

  /** As {@link #token(Run, String)} with another lifetime ({@code exp} − {@code iat}). */
  public String token(Run run, String audience, Duration lifetime) {
    Objects.requireNonNull(run, "run");
    Objects.requireNonNull(audience, "audience");
    if (lifetime.isNegative() || lifetime.isZero()) {
      throw new IllegalArgumentException("lifetime must be positive");
    }
    return ActionsTokens.sign(keys.current(), issuer, run, audience, clock.instant(), lifetime);
  }

  /**
   * Registers a job of {@code run}: the returned URL (ending in {@code ?api-version=2.0}, so the
   * client appends {@code &audience=...}) answers {@code GET} with {@code Authorization: Bearer
   * <token>} by {@code {"count":1,"value":"<jwt>"}}.
   */
  public RequestCredentials requestFor(Run run) {
    Objects.requireNonNull(run, "run");
    String path =
        "/_apis/distributedtask/hubs/Actions/plans/"
            + UUID.randomUUID()
            + "/jobs/"
            + UUID.randomUUID()
            + "/idtoken";
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    handler.jobs.put(path, new OidcHandler.Job(run, token));
    return new RequestCredentials(issuer + path + "?api-version=2.0", token);
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
  }

  /**
   * What a runner hands a job: {@code ACTIONS_ID_TOKEN_REQUEST_URL} and {@code
   * ACTIONS_ID_TOKEN_REQUEST_TOKEN}. {@link #toString()} hides the token.
   */
  public record RequestCredentials(String url, String token) {
    public RequestCredentials {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(token, "token");
    }

    /** The two variables as a workflow step's environment carries them. */
    public Map<String, String> environment() {
      return Map.of("ACTIONS_ID_TOKEN_REQUEST_URL", url, "ACTIONS_ID_TOKEN_REQUEST_TOKEN", token);
    }

    @Override
    public String toString() {
      return "RequestCredentials[url=" + url + ", token=<redacted>]";
    }
  }

  /**
   * One workflow job as its ID token describes it. Build with {@link #builder}; unset values take
   * GitHub-like defaults derived from the ones set (see {@link RunBuilder}).
   *
   * @param ownerId the owner's numeric id ({@code repository_owner_id})
   * @param repo the repository name without the owner
   * @param workflowRef {@code OWNER/REPO/.github/workflows/FILE@REF}
   * @param jobWorkflowRef the workflow the job's steps come from: a reusable workflow's ref when
   *     the job calls one, else {@code workflowRef}
   * @param environment the deployment environment, or null
   * @param immutableSubject {@code sub} names the repository {@code OWNER@OWNER_ID/REPO@REPO_ID},
   *     GitHub's default for repositories created, renamed or transferred since July 2026
   */
  public record Run(
      String owner,
      long ownerId,
      String repo,
      long repoId,
      String visibility,
      String ref,
      String refType,
      boolean refProtected,
      String sha,
      String workflow,
      String workflowRef,
      String workflowSha,
      String jobWorkflowRef,
      String jobWorkflowSha,
      String eventName,
      String headRef,
      String baseRef,
      String environment,
      String actor,
      long actorId,
      long runId,
      long runNumber,
      int runAttempt,
      String runnerEnvironment,
      boolean immutableSubject) {
    private static final Set<String> VISIBILITIES = Set.of("public", "private", "internal");

    public Run {
      for (Object o :
          new Object[] {
            owner,
            repo,
            visibility,
            ref,
            refType,
            sha,
            workflow,
            workflowRef,
            workflowSha,
            jobWorkflowRef,
            jobWorkflowSha,
            eventName,
            headRef,
            baseRef,
            actor,
            runnerEnvironment
          }) {
        Objects.requireNonNull(o, "Run values other than environment must be set");
      }
      if (ownerId <= 0 || repoId <= 0 || actorId <= 0 || runId <= 0 || runNumber <= 0) {
        throw new IllegalArgumentException("ids and numbers must be positive");
      }
      if (runAttempt <= 0) {
        throw new IllegalArgumentException("runAttempt starts at 1");
      }
      if (!VISIBILITIES.contains(visibility)) {
        throw new IllegalArgumentException("visibility is public, private or internal");
      }
      if (!refType.equals("branch") && !refType.equals("tag")) {
        throw new IllegalArgumentException("refType is branch or tag");
      }
      if (environment != null && environment.isBlank()) {
        throw new IllegalArgumentException("blank environment; use null for none");
      }
    }

    /** {@code OWNER/REPO}. */
    public String repository() {
      return owner + "/" + repo;
    }

    /** Starts a run of {@code owner/repo}; see {@link RunBuilder} for the defaults. */
    public static RunBuilder builder(String owner, long ownerId, String repo, long repoId) {
      return new RunBuilder(owner, ownerId, repo, repoId);
    }

    /** A builder holding every value of this run, derived ones included. */
    public RunBuilder toBuilder() {
      return new RunBuilder(this);
    }
  }

  /** A deterministic fake commit id, so repeated runs of a test produce identical tokens. */
  static String fakeSha(String seed) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-1").digest(seed.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
