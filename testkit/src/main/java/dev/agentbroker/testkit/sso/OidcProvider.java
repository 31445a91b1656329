package dev.agentbroker.testkit.sso;

import com.sun.net.httpserver.HttpServer;
import dev.agentbroker.testkit.CallerTokens;
import dev.agentbroker.testkit.TestKeys;
import dev.agentbroker.testkit.oidc.IssuerKeys;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local OpenID Connect provider on 127.0.0.1 (ephemeral port): the organisation's SSO as the
 * break-glass page signs people in with it.
 *
 * <pre>{@code
 * try (OidcProvider sso = OidcProvider.start(clock)) {
 *   sso.registerClient("agent-broker", secret, URI.create("https://broker/breakglass/signin/callback"));
 *   sso.addUser("alice", "pw-a", "00u-alice", Map.of("email", "alice@acme.example"));
 *   String apiToken = sso.accessToken("alice", "agent-broker"); // what a script presents
 * }
 * }</pre>
 *
 * <p>Routes: {@code /.well-known/openid-configuration}, {@code /jwks}, {@code GET /authorize}
 * (renders a username/password form), {@code POST /login}, {@code POST /token}. Times follow the
 * injected clock.
 */
public final class OidcProvider implements AutoCloseable {
  static {
    // Same reason as the other simulators: without it the JDK server stalls responses ~40 ms.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  /** Lifetime of ID and access tokens. */
  public static final Duration TOKEN_LIFETIME = Duration.ofMinutes(5);

  /** Lifetime of an authorization code (RFC 6749 4.1.2 recommends at most ten minutes). */
  public static final Duration CODE_LIFETIME = Duration.ofSeconds(60);

  /**
   * A way to misbehave at the token endpoint, so relying parties can prove they check the ID token:
   * another nonce, another audience, a signature by a key not in the JWKS, an expired token, or no
   * ID token at all.
   */
  public enum Fault {
    NONE,
    WRONG_NONCE,
    WRONG_AUDIENCE,
    FOREIGN_SIGNATURE,
    EXPIRED,
    NO_ID_TOKEN
  }

  /** A registered confidential client. */
  record Client(String id, String secret, URI redirectUri) {}

  /** A person who can sign in; {@code claims} go into both tokens (e.g. email, employee id). */
  record User(String username, String password, String subject, Map<String, Object> claims) {}

  private final HttpServer server;
  private final ExecutorService workers;
  private final Clock clock;
  private final String issuer;
  private final IssuerKeys keys = new IssuerKeys();
  private final KeyPair key = keys.current().pair();
  private final String kid = keys.current().kid();
  private final KeyPair foreignKey = TestKeys.rsa2048();
  private volatile Fault fault = Fault.NONE;
  final Map<String, Client> clients = new ConcurrentHashMap<>();
  final Map<String, User> users = new ConcurrentHashMap<>();
  private final Map<String, String> apiAudience = new ConcurrentHashMap<>();
  private final ProviderEndpoints endpoints;

  private OidcProvider(Clock clock) throws IOException {
    this.clock = clock;
    this.server =
        HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 64);
    this.issuer = "http://127.0.0.1:" + server.getAddress().getPort();
    this.endpoints = new ProviderEndpoints(this, clock);
    AtomicInteger n = new AtomicInteger();
    this.workers =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "sso-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.createContext("/", endpoints);
    server.setExecutor(workers);
    server.start();
  }

  public static OidcProvider start(Clock clock) throws IOException {
    return new OidcProvider(Objects.requireNonNull(clock, "clock"));
  }

  /** E.g. {@code http://127.0.0.1:41234}, without a trailing slash: the tokens' {@code iss}. */
  public String issuer() {
    return issuer;
  }

  public URI jwksUri() {
    return URI.create(issuer + ProviderEndpoints.JWKS);
  }

  /**
   * Writes the JWKS to a file, for the broker's bearer-token issuer settings: those refuse {@code
   * http:} key URLs, and this provider serves plain HTTP on loopback. Its key never rotates.
   */
  public java.nio.file.Path writeJwks(java.nio.file.Path file) throws IOException {
    return java.nio.file.Files.write(file, keys.jwks());
  }

  /**
   * Registers a confidential client with exactly one redirect URI (compared as a whole string, as
   * OpenID Connect requires). {@code apiAudience} is the {@code aud} of its access tokens.
   */
  public OidcProvider registerClient(
      String clientId, String secret, URI redirectUri, String apiAudience) {
    clients.put(clientId, new Client(clientId, secret, redirectUri));
    this.apiAudience.put(clientId, apiAudience);
    return this;
  }

  /** Adds a person; {@code claims} (e.g. {@code email}) appear in their ID and access tokens. */
  public OidcProvider addUser(
      String username, String password, String subject, Map<String, Object> claims) {
    users.put(username, new User(username, password, subject, Map.copyOf(claims)));
    return this;
  }

  /** An access token for {@code username} with {@code aud} = {@code audience}, as a script has. */
  public String accessToken(String username, String audience) {
    User u = Objects.requireNonNull(users.get(username), "no such user");
    return accessToken(u, audience, null);
  }

  /** From now on the token endpoint misbehaves this way ({@link Fault#NONE} to stop). */
  public void fault(Fault f) {
    this.fault = Objects.requireNonNull(f, "fault");
  }

  Fault fault() {
    return fault;
  }

  /** How many token requests the token endpoint answered (successful or not). */
  public int tokenRequests() {
    return endpoints.tokenRequests.get();
  }

  /** Access tokens revoked because their authorization code was presented a second time. */
  public boolean isRevoked(String accessToken) {
    return endpoints.revoked.contains(ProviderEndpoints.sha256(accessToken));
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
  }

  String apiAudience(String clientId) {
    return apiAudience.get(clientId);
  }

  String idToken(User u, Client c, String nonce, Instant authTime) {
    Fault f = fault;
    String aud = f == Fault.WRONG_AUDIENCE ? "another-client" : c.id();
    CallerTokens.Builder b =
        (f == Fault.FOREIGN_SIGNATURE
                ? CallerTokens.rs256(issuer, foreignKey.getPrivate())
                    .keyId(kid)
                    .subject(u.subject())
                : base(u))
            .audience(aud)
            .claim("azp", aud);
    if (f == Fault.FOREIGN_SIGNATURE) {
      b.issuedAt(clock.instant()).expiresAt(clock.instant().plus(TOKEN_LIFETIME));
      u.claims().forEach(b::claim);
    }
    if (f == Fault.EXPIRED) {
      b.issuedAt(clock.instant().minusSeconds(900)).expiresAt(clock.instant().minusSeconds(600));
    }
    b.claim("auth_time", authTime.getEpochSecond());
    if (nonce != null) {
      b.claim("nonce", f == Fault.WRONG_NONCE ? nonce + "x" : nonce);
    }
    return b.sign();
  }

  String accessToken(User u, String audience, String clientId) {
    CallerTokens.Builder b = base(u).audience(audience).claim("scope", "openid email profile");
    if (clientId != null) {
      b.claim("client_id", clientId);
    }
    return b.sign();
  }

  private CallerTokens.Builder base(User u) {
    Instant now = clock.instant();
    CallerTokens.Builder b =
        CallerTokens.rs256(issuer, key.getPrivate())
            .keyId(kid)
            .subject(u.subject())
            .issuedAt(now)
            .expiresAt(now.plus(TOKEN_LIFETIME));
    u.claims().forEach(b::claim);
    return b;
  }

  /** {@code {"keys":[…]}}: the public signing key only. */
  byte[] jwks() {
    return keys.jwks();
  }
}
