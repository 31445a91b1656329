package dev.agentbroker.tiera.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * One lease as the registry keeps it: 48 bytes with compressed references (12-byte header, three
 * longs, an int, two references) plus the token's own bytes. The lease id is its two 64-bit halves,
 * the expiry an epoch second and nano (an exact {@link Instant}), the token an ASCII {@code byte[]}
 * (every GitHub token format is ASCII; any other text is kept as its String), and everything shared
 * with other leases sits in one interned {@link LeaseContext}. The token's SHA-256 is not stored:
 * it is recomputed from the token when a lease is read, which happens only on revocation. {@link
 * #toString()} never shows the token.
 */
public final class StoredLease {
  final long idHigh;
  final long idLow;
  private final long expiresSecond;
  private final int expiresNano;
  private final LeaseContext context;
  private final Object token;

  public StoredLease(
      long idHigh, long idLow, Instant expiresAt, LeaseContext context, String token) {
    this.idHigh = idHigh;
    this.idLow = idLow;
    this.expiresSecond = expiresAt.getEpochSecond();
    this.expiresNano = expiresAt.getNano();
    this.context = context;
    this.token = isAscii(token) ? token.getBytes(StandardCharsets.US_ASCII) : token;
  }

  /**
   * Heap this lease holds, for the registry's byte budget: this object (48), its token (array
   * header 16 + one byte per character, or a String of two bytes per character) rounded up to 8,
   * and 8 for its share of the hash table (4-byte slots at most 3/4 and usually about half full).
   * Shared contexts are not counted: they are amortised over their leases (docs/performance.md).
   */
  public long footprint() {
    long tokenBytes =
        token instanceof byte[] b ? 16L + b.length : 24L + 16L + 2L * ((String) token).length();
    return 48 + ((tokenBytes + 7) & ~7L) + 8;
  }

  public LeaseContext context() {
    return context;
  }

  public Instant expiresAt() {
    return Instant.ofEpochSecond(expiresSecond, expiresNano);
  }

  /** True once {@code now} has reached the expiry (the same rule as {@code !now.isBefore(exp)}). */
  public boolean expiredAt(Instant now) {
    long s = now.getEpochSecond();
    return s > expiresSecond || (s == expiresSecond && now.getNano() >= expiresNano);
  }

  public String token() {
    return token instanceof byte[] b ? new String(b, StandardCharsets.US_ASCII) : (String) token;
  }

  /** Whether this lease holds exactly {@code other} as its token, without building a String. */
  public boolean tokenEquals(String other) {
    if (token instanceof byte[] b) {
      if (other.length() != b.length) {
        return false;
      }
      for (int i = 0; i < b.length; i++) {
        if (other.charAt(i) != b[i]) {
          return false;
        }
      }
      return true;
    }
    return token.equals(other);
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "StoredLease[" + LeaseIds.format(idHigh, idLow) + ", " + context + "]";
  }
}
