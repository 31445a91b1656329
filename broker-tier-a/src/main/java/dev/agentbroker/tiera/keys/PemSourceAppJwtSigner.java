package dev.agentbroker.tiera.keys;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Key source for {@code vault-kv}: the PEM is fetched from a {@link PemSource}, parsed and held
 * only in memory — never written anywhere. It is re-read when older than the refresh interval and
 * when GitHub rejects a JWT, so a rotated key is picked up without a restart.
 *
 * <p>At most two keys are held: the current one and the one before it. GitHub accepts two App keys
 * at once; if the source still serves the key GitHub just rejected (the operator stored the new key
 * before uploading it to GitHub, or removed it in the wrong order), the signer falls back to the
 * other one instead of failing every mint.
 *
 * <p>Fail closed: while the source is unreachable, no new JWT is signed with the key in memory;
 * revoking the broker's access in OpenBao must stop it within one refresh interval.
 */
public final class PemSourceAppJwtSigner implements AppJwtSigner {
  private final PemSource source;
  private final Clock clock;
  private final Duration refreshInterval;
  private volatile Loaded current;
  private volatile Loaded previous;
  private volatile Instant lastRead = Instant.MIN;
  private volatile boolean reachable;
  private volatile String lastSignedWith = "";

  /** A parsed key and its public fingerprint (SHA-256 of the modulus: not secret). */
  private record Loaded(RSAPrivateCrtKey key, String fingerprint) {
    @Override
    public String toString() {
      return "Loaded[" + fingerprint + "]";
    }
  }

  private PemSourceAppJwtSigner(PemSource source, Clock clock, Duration refreshInterval) {
    this.source = source;
    this.clock = clock;
    this.refreshInterval = refreshInterval;
  }

  /** Reads the key once; a source that is down or serves no usable key stops start-up. */
  public static PemSourceAppJwtSigner open(PemSource source, Clock clock, Duration refreshInterval)
      throws KeyUnavailableException {
    PemSourceAppJwtSigner s = new PemSourceAppJwtSigner(source, clock, refreshInterval);
    s.refresh();
    return s;
  }

  /**
   * Re-reads the source. Returns true when it now serves a different key (which becomes current;
   * the old one is kept as previous). On failure the source counts as unreachable.
   */
  public synchronized boolean refresh() throws KeyUnavailableException {
    String pem;
    try {
      pem = source.read();
    } catch (KeyUnavailableException e) {
      reachable = false;
      throw e;
    }
    RSAPrivateCrtKey key;
    try {
      key = PemKeys.parseRsaPrivateKey(pem);
    } catch (KeyUnavailableException e) {
      reachable = false;
      throw new KeyUnavailableException(source.describe() + ": " + e.getMessage());
    }
    reachable = true;
    lastRead = clock.instant();
    String fp = fingerprint(key);
    Loaded c = current;
    if (c != null && c.fingerprint().equals(fp)) {
      return false;
    }
    if (previous != null && previous.fingerprint().equals(fp)) {
      previous = c;
      current = new Loaded(key, fp);
      return true;
    }
    previous = c;
    current = new Loaded(key, fp);
    return true;
  }

  /** Whether the last read succeeded; cheap, for readiness. */
  public boolean available() {
    return reachable;
  }

  /** Public fingerprint of the key in use (for logs and health; not secret). */
  public String currentFingerprint() {
    Loaded c = current;
    return c == null ? "none" : c.fingerprint();
  }

  @Override
  public String sign(String issuer, Instant issuedAt, Instant expiresAt)
      throws KeyUnavailableException {
    if (!reachable || !clock.instant().isBefore(lastRead.plus(refreshInterval))) {
      refresh();
    }
    Loaded c = current;
    lastSignedWith = c.fingerprint();
    return FileAppJwtSigner.ofKey(c.key()).sign(issuer, issuedAt, expiresAt);
  }

  /**
   * A JWT signed with {@link #lastSignedWith} was rejected. If the source now serves another key,
   * that one is used next. If it still serves the rejected key, the other held key is tried: the
   * source is ahead of GitHub (or behind it) during a rotation.
   */
  @Override
  public synchronized void keyRejected() {
    try {
      refresh();
      if (current.fingerprint().equals(lastSignedWith) && previous != null) {
        Loaded c = current;
        current = previous;
        previous = c;
      }
    } catch (KeyUnavailableException e) {
      // Recorded as unreachable; the next sign() fails closed with its own message.
    }
  }

  @Override
  public String describe() {
    return source.describe() + " key " + currentFingerprint();
  }

  @Override
  public String toString() {
    return "PemSourceAppJwtSigner[" + describe() + "]";
  }

  static String fingerprint(RSAPrivateCrtKey key) {
    try {
      BigInteger n = key.getModulus();
      byte[] d =
          MessageDigest.getInstance("SHA-256")
              .digest(n.toString(16).getBytes(StandardCharsets.US_ASCII));
      return "sha256:" + HexFormat.of().formatHex(d, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }
}
