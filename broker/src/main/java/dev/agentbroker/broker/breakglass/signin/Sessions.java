package dev.agentbroker.broker.breakglass.signin;

import dev.agentbroker.tierb.breakglass.Human;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Server-side state of the page's sign-in, in memory (one replica, the default; see {@link
 * SessionStore}) (a restart signs everyone out, which is the safe direction). Both maps are keyed
 * by the SHA-256 of the cookie value, so the state never holds a value a browser could present.
 *
 * <ul>
 *   <li>Sign-ins in progress (state, nonce, PKCE verifier) live 10 minutes and are taken once by
 *       the callback. Anyone can start one, so when full the oldest is dropped rather than
 *       refusing.
 *   <li>Sessions end after the idle timeout or the maximum lifetime, whichever comes first. When
 *       full, a new sign-in is refused (existing sessions are never evicted by strangers).
 * </ul>
 */
public final class Sessions implements SessionStore {
  static final Duration SIGN_IN_LIFETIME = Duration.ofMinutes(10);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A sign-in in progress: what the callback must match and what the token request proves. */
  public record PendingSignIn(String state, String nonce, String verifier, Instant started) {}

  /** A signed-in person and the CSRF token their page must send with every state change. */
  public record Session(Human human, String csrfToken, Instant created, Instant lastSeen) {}

  private final Clock clock;
  private final Duration idleTimeout;
  private final Duration maxLifetime;
  private final int maxSessions;
  private final int maxPending;
  private final Map<String, Session> sessions = new LinkedHashMap<>();
  private final Map<String, PendingSignIn> pending = new LinkedHashMap<>();

  public Sessions(Clock clock, Duration idleTimeout, Duration maxLifetime, int maxSessions) {
    this.clock = clock;
    this.idleTimeout = idleTimeout;
    this.maxLifetime = maxLifetime;
    this.maxSessions = maxSessions;
    this.maxPending = maxSessions;
  }

  /** Starts a sign-in; returns the cookie value that binds it to this browser. */
  @Override
  public synchronized String begin(PendingSignIn p) {
    if (pending.size() >= maxPending) {
      pending.values().removeIf(x -> expired(x.started(), SIGN_IN_LIFETIME));
      if (pending.size() >= maxPending) {
        pending.remove(pending.keySet().iterator().next());
      }
    }
    String handle = random();
    pending.put(hash(handle), p);
    return handle;
  }

  /** Takes the sign-in bound to {@code handle}, once; empty if unknown or older than 10 min. */
  @Override
  public synchronized Optional<PendingSignIn> finish(String handle) {
    PendingSignIn p = handle == null ? null : pending.remove(hash(handle));
    if (p == null || expired(p.started(), SIGN_IN_LIFETIME)) {
      return Optional.empty();
    }
    return Optional.of(p);
  }

  /** Creates a session; returns its cookie value, or empty when the session table is full. */
  @Override
  public synchronized Optional<String> create(Human h) {
    if (sessions.size() >= maxSessions) {
      Instant now = clock.instant();
      sessions.values().removeIf(s -> !alive(s, now));
      if (sessions.size() >= maxSessions) {
        return Optional.empty();
      }
    }
    String cookie = random();
    Instant now = clock.instant();
    sessions.put(hash(cookie), new Session(h, random(), now, now));
    return Optional.of(cookie);
  }

  /** The live session for {@code cookie}, its idle clock restarted; empty if none or ended. */
  @Override
  public synchronized Optional<Session> touch(String cookie) {
    if (cookie == null || cookie.isEmpty() || cookie.length() > 128) {
      return Optional.empty();
    }
    String key = hash(cookie);
    Session s = sessions.get(key);
    Instant now = clock.instant();
    if (s == null) {
      return Optional.empty();
    }
    if (!alive(s, now)) {
      sessions.remove(key);
      return Optional.empty();
    }
    Session next = new Session(s.human(), s.csrfToken(), s.created(), now);
    sessions.put(key, next);
    return Optional.of(next);
  }

  @Override
  public synchronized void end(String cookie) {
    if (cookie != null) {
      sessions.remove(hash(cookie));
    }
  }

  private boolean alive(Session s, Instant now) {
    return now.isBefore(s.lastSeen().plus(idleTimeout))
        && now.isBefore(s.created().plus(maxLifetime));
  }

  private boolean expired(Instant started, Duration lifetime) {
    return !clock.instant().isBefore(started.plus(lifetime));
  }

  /** 256 random bits, base64url: cookie values, CSRF tokens, state, nonce, PKCE verifier. */
  static String random() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  static String hash(String value) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(d.digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Constant-time comparison of two secrets; false if either is missing. */
  static boolean same(String a, String b) {
    return a != null
        && b != null
        && MessageDigest.isEqual(
            a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
