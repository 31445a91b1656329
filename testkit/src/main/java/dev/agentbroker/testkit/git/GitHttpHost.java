package dev.agentbroker.testkit.git;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.agentbroker.testkit.github.GitHubSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A local HTTPS git smart-HTTP host standing in for github.com, for end-to-end tests and the demo.
 *
 * <p>It serves bare repositories through the real {@code git http-backend} and lets a request in
 * only with HTTP Basic credentials whose password is an installation token the {@link
 * GitHubSimulator} issued, is still live, and reaches the repository ({@code contents: write} for
 * pushes) — so a broker-minted token can be proven to work, and a revoked, expired or narrower one
 * to fail, with an unmodified git client. TLS uses a CA generated per start; hand {@link #caPem()}
 * to the client ({@code GIT_SSL_CAINFO}).
 *
 * <pre>{@code
 * try (GitHttpHost git = GitHttpHost.start(sim, workDir, List.of("acme/svc-a"))) {
 *   Path ca = git.writeCaPem(tmp.resolve("ca.pem"));
 *   // GIT_SSL_CAINFO=ca, credential helper answering x-access-token / <token>
 *   // git ls-remote https://localhost:<port>/acme/svc-a.git
 *   assertEquals(GitRequest.Kind.FETCH, git.requests().get(0).kind());
 * }
 * }</pre>
 */
public final class GitHttpHost implements AutoCloseable {
  /** Larger request bodies are answered 413 before git sees them. */
  public static final long DEFAULT_MAX_BODY_BYTES = 64L * 1024 * 1024;

  /** Workers; each request occupies one while its git process runs. */
  static final int WORKER_THREADS = 16;

  private final HttpsServer server;
  private final ExecutorService workers;
  private final ScheduledExecutorService watchdog;
  private final TlsMaterial tls;
  private final BareRepos repos;
  private final HttpBackend backend;
  private final GitHttpHandler handler;
  private final URI baseUri;
  private volatile boolean closed;

  private GitHttpHost(
      HttpsServer server,
      ExecutorService workers,
      ScheduledExecutorService watchdog,
      TlsMaterial tls,
      BareRepos repos,
      HttpBackend backend,
      GitHttpHandler handler) {
    this.server = server;
    this.workers = workers;
    this.watchdog = watchdog;
    this.tls = tls;
    this.repos = repos;
    this.backend = backend;
    this.handler = handler;
    this.baseUri = URI.create("https://localhost:" + server.getAddress().getPort());
  }

  /**
   * Creates a bare repository with one commit on {@code main} under {@code workDir} for each {@code
   * "owner/name"} (kept if already there) and serves them on 127.0.0.1, ephemeral port.
   */
  public static GitHttpHost start(GitHubSimulator sim, Path workDir, List<String> repos)
      throws IOException {
    return start(sim, workDir, repos, 0);
  }

  /** As {@link #start(GitHubSimulator, Path, List)} on a fixed {@code port} (0: ephemeral). */
  public static GitHttpHost start(GitHubSimulator sim, Path workDir, List<String> repos, int port)
      throws IOException {
    return start(sim, workDir, repos, port, DEFAULT_MAX_BODY_BYTES);
  }

  static GitHttpHost start(
      GitHubSimulator sim, Path workDir, List<String> repoNames, int port, long maxBodyBytes)
      throws IOException {
    return start(sim, workDir, repoNames, port, maxBodyBytes, List.of());
  }

  /**
   * As {@link #start(GitHubSimulator, Path, List, int)} with a request-body limit and a leaf
   * certificate that also names {@code extraDnsNames}: an intercepting proxy that verifies the
   * upstream as {@code github.com} can then be pointed at this host.
   */
  public static GitHttpHost start(
      GitHubSimulator sim,
      Path workDir,
      List<String> repoNames,
      int port,
      long maxBodyBytes,
      List<String> extraDnsNames)
      throws IOException {
    Objects.requireNonNull(sim, "sim");
    Objects.requireNonNull(repoNames, "repos");
    Path root = Files.createDirectories(workDir.toAbsolutePath().normalize());
    // git's HOME and the request spool live outside workDir, which is GIT_PROJECT_ROOT.
    Path home = Files.createTempDirectory("git-http-host-");
    HttpsServer server = null;
    ScheduledExecutorService watchdog = null;
    ExecutorService workers = null;
    try {
      TlsMaterial tls = TlsMaterial.generate(extraDnsNames);
      BareRepos repos = BareRepos.create(root, home, repoNames);
      server =
          HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 64);
      server.setHttpsConfigurator(new HttpsConfigurator(tls.sslContext));
      watchdog = Executors.newSingleThreadScheduledExecutor(daemonThreads("git-http-watchdog-"));
      workers = Executors.newFixedThreadPool(WORKER_THREADS, daemonThreads("git-http-host-"));
      HttpBackend backend = new HttpBackend(repos, maxBodyBytes, watchdog);
      GitHttpHandler handler = new GitHttpHandler(sim, repos, backend);
      server.createContext("/", handler);
      server.setExecutor(workers);
      server.start();
      return new GitHttpHost(server, workers, watchdog, tls, repos, backend, handler);
    } catch (IOException | RuntimeException e) {
      if (server != null) {
        server.stop(0);
      }
      if (watchdog != null) {
        watchdog.shutdownNow();
      }
      if (workers != null) {
        workers.shutdownNow();
      }
      deleteTree(home);
      throw e;
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** {@code https://localhost:<port>}, without a trailing slash. */
  public URI baseUri() {
    return baseUri;
  }

  public int port() {
    return baseUri.getPort();
  }

  /** E.g. {@code https://localhost:41234/acme/svc-a.git}; {@code ownerName} must be hosted. */
  public String repoUrl(String ownerName) {
    String full = repos.canonical(ownerName);
    if (full == null) {
      throw new IllegalArgumentException("not hosted: " + ownerName);
    }
    return baseUri + "/" + full + ".git";
  }

  /** The hosted repositories, {@code owner/name}, in the order given at start. */
  public List<String> repositories() {
    return repos.names();
  }

  /** The directory holding {@code <owner>/<name>.git}. */
  public Path workDir() {
    return repos.root;
  }

  /** PEM text of the CA that signed the server certificate (for {@code GIT_SSL_CAINFO}). */
  public String caPem() {
    return tls.caPem();
  }

  /** Writes {@link #caPem()} to {@code file} (parent directories created); returns it. */
  public Path writeCaPem(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    return Files.writeString(file, caPem(), StandardCharsets.US_ASCII);
  }

  public X509Certificate caCertificate() {
    return tls.ca;
  }

  /** An SSLContext trusting only this host's CA, for JVM clients (java.net.http, Vert.x). */
  public SSLContext clientSslContext() {
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      trust.setCertificateEntry("git-host-ca", tls.ca);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every request answered (the most recent 10,000), in completion order. */
  public List<GitRequest> requests() {
    return handler.requests();
  }

  public void clearRequests() {
    handler.clearRequests();
  }

  /**
   * The commit id {@code ref} (e.g. {@code refs/heads/main}, {@code main}) points at in the bare
   * repository {@code ownerName}, or null when it does not resolve to a commit.
   *
   * @throws IllegalArgumentException when {@code ownerName} is not hosted
   */
  public String ref(String ownerName, String ref) {
    return repos.ref(Objects.requireNonNull(ownerName, "ownerName"), Objects.requireNonNull(ref));
  }

  /** git http-backend's stderr across requests, for diagnosing a failing test. */
  public Path backendLog() {
    return backend.log();
  }

  /**
   * First 12 hex digits of SHA-256 over the token's UTF-8 bytes: what {@link
   * GitRequest#tokenSha256()} holds, so tests can correlate without the host keeping the token.
   */
  public static String tokenFingerprint(String token) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  /** Stops the server, kills running git processes and removes the private HOME and spool. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.stop(0);
    backend.stopAll();
    workers.shutdownNow();
    watchdog.shutdownNow();
    deleteTree(repos.home);
  }

  /** Best effort: a leftover temp directory must not fail a test's teardown. */
  private static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // Nothing useful to do; the directory is under java.io.tmpdir.
    }
  }
}
