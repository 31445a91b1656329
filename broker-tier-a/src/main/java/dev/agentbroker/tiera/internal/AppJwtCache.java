package dev.agentbroker.tiera.internal;

import dev.agentbroker.tiera.keys.AppJwtSigner;
import dev.agentbroker.tiera.keys.KeyUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Reuses one App JWT until shortly before it expires. GitHub allows {@code exp} at most 10 min
 * after {@code iat}; backdating {@code iat} by 60 s absorbs clock drift, and {@code exp = now+540}
 * keeps the span at 600 s so drift on GitHub's side never pushes it over.
 */
public final class AppJwtCache {
  static final Duration BACKDATE = Duration.ofSeconds(60);
  static final Duration LIFETIME = Duration.ofSeconds(540);
  static final Duration REFRESH_BEFORE_EXPIRY = Duration.ofSeconds(60);

  private final AppJwtSigner signer;
  private final String issuer;
  private final Clock clock;
  private volatile Cached cached;

  private record Cached(String jwt, Instant refreshAt) {}

  public AppJwtCache(AppJwtSigner signer, String issuer, Clock clock) {
    this.signer = signer;
    this.issuer = issuer;
    this.clock = clock;
  }

  /** A JWT valid for at least {@link #REFRESH_BEFORE_EXPIRY}. */
  public String get() throws KeyUnavailableException {
    Cached c = cached;
    Instant now = clock.instant();
    if (c != null && now.isBefore(c.refreshAt())) {
      return c.jwt();
    }
    synchronized (this) {
      c = cached;
      now = clock.instant();
      if (c != null && now.isBefore(c.refreshAt())) {
        return c.jwt();
      }
      Instant exp = now.plus(LIFETIME);
      String jwt = signer.sign(issuer, now.minus(BACKDATE), exp);
      cached = new Cached(jwt, exp.minus(REFRESH_BEFORE_EXPIRY));
      return jwt;
    }
  }

  /** Forget the cached JWT, e.g. after GitHub answered 401 to it (key rotated, clock drift). */
  public void invalidate() {
    cached = null;
  }

  /**
   * GitHub answered 401 to {@code rejectedJwt}: forget it and let the signer look for a rotated
   * key. Only the JWT that was actually rejected is dropped — under concurrent load many requests
   * carry the same old JWT, and each 401 must not throw away a fresh one another thread just made.
   */
  public void rejected(String rejectedJwt) {
    synchronized (this) {
      Cached c = cached;
      if (c == null || !c.jwt().equals(rejectedJwt)) {
        return;
      }
      cached = null;
      signer.keyRejected();
    }
  }
}
