package dev.agentbroker.testkit.openbao;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenBao server simulator on 127.0.0.1 (ephemeral port) for the endpoints key custody uses.
 *
 * <pre>{@code
 * try (OpenBaoSimulator bao = OpenBaoSimulator.start(clock)) {
 *   String roleId = bao.createAppRole("agent-broker", List.of("transit/sign/github-app"),
 *       Duration.ofHours(1), Duration.ofHours(24));
 *   String wrapped = bao.wrappedSecretId(roleId, Duration.ofMinutes(5));
 *   bao.importTransitKey("github-app", appKeyPair);   // BYOK, as the runbook does it
 *   // point quarkus.vault.url at bao.baseUri()
 * }
 * }</pre>
 *
 * <p>{@link #down()} stops the listener (connections are refused, like a dead host); {@link #up()}
 * listens again on the same port with all state intact.
 */
public final class OpenBaoSimulator implements AutoCloseable {
  private static final int WORKER_THREADS = 16;

  private final BaoAuth auth;
  private final BaoKv kv;
  private final BaoTransit transit;
  private final BaoFaults faults = new BaoFaults();
  private final BaoRouter router;
  private final ExecutorService workers;
  private final int port;
  private HttpServer server;

  private OpenBaoSimulator(Clock clock) throws IOException {
    this.auth = new BaoAuth(clock);
    this.kv = new BaoKv(clock);
    this.transit = new BaoTransit(clock);
    this.router = new BaoRouter(auth, kv, transit, faults, Set.of("secret", "kv"));
    AtomicInteger n = new AtomicInteger();
    this.workers =
        Executors.newFixedThreadPool(
            WORKER_THREADS,
            r -> {
              Thread t = new Thread(r, "openbao-sim-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.server = listen(0);
    this.port = server.getAddress().getPort();
  }

  /** Starts a simulator; token, wrapping-token TTLs and versions follow {@code clock}. */
  public static OpenBaoSimulator start(Clock clock) throws IOException {
    return new OpenBaoSimulator(clock);
  }

  private HttpServer listen(int p) throws IOException {
    HttpServer s =
        HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), p), 256);
    s.createContext("/", router);
    s.setExecutor(workers);
    s.start();
    return s;
  }

  /** {@code http://127.0.0.1:PORT} — what {@code BAO_ADDR} / {@code quarkus.vault.url} take. */
  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** A root token for setup calls in tests (never handed to the broker). */
  public String rootToken() {
    return auth.rootToken();
  }

  /**
   * Creates an AppRole whose tokens may call {@code paths} (exact, or prefix ending in {@code *})
   * besides the default policy; returns its role_id.
   */
  public String createAppRole(String name, List<String> paths, Duration ttl, Duration maxTtl) {
    return auth.createRole(name, paths, ttl, maxTtl).roleId();
  }

  /** A fresh plain secret_id for the role. */
  public String secretId(String roleId) {
    return auth.newSecretId(roleId);
  }

  /** A response-wrapped secret_id: the wrapping token unwraps exactly once within {@code ttl}. */
  public String wrappedSecretId(String roleId, Duration ttl) {
    return auth.wrapSecretId(roleId, ttl);
  }

  /** Writes a new KV v2 version at {@code mount/path}; returns the version number. */
  public int putKv(String mount, String path, Map<String, Object> data) {
    return kv.put(mount, path, data);
  }

  /** BYOK: {@code pair} becomes the next version of transit key {@code name}. */
  public int importTransitKey(String name, KeyPair pair) {
    return transit.importVersion(name, pair);
  }

  /** {@code transit/keys/<name>/rotate}: a generated version becomes the latest. */
  public int rotateTransitKey(String name) {
    return transit.rotate(name);
  }

  public PublicKey transitPublicKey(String name, int version) {
    return transit.publicKey(name, version);
  }

  /** Revokes every token but root: the next call with a cached token gets 403. */
  public void revokeAllTokens() {
    auth.revokeAllTokens();
  }

  public int liveTokens() {
    return auth.liveTokens();
  }

  public BaoFaults faults() {
    return faults;
  }

  /** Everything received, in order (tests scan these for the secrets they must not log). */
  public List<BaoRequest> requests() {
    return List.copyOf(router.recorded);
  }

  public synchronized void down() {
    if (server != null) {
      server.stop(0);
      server = null;
    }
  }

  public synchronized void up() throws IOException {
    if (server == null) {
      server = listen(port);
    }
  }

  @Override
  public synchronized void close() {
    down();
    workers.shutdownNow();
  }
}
