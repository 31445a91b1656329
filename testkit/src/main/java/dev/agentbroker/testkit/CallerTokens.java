package dev.agentbroker.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jsonwebtoken.JwtBuilder;
import io.jsonwebtoken.Jwts;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Caller JWTs for broker tests: well-formed tokens signed by jjwt, plus the two classic forgeries a
 * JWT verifier must refuse ({@code alg: none} and RS256→HS256 key confusion).
 *
 * <p>The forgeries are assembled by hand because no sane JWT library will produce them.
 */
public final class CallerTokens {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  /** Lifetime used when a builder is given no explicit expiry. */
  static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);

  private CallerTokens() {}

  /** Starts an RS256 token signed with an RSA private key. */
  public static Builder rs256(String issuer, PrivateKey key) {
    return new Builder(issuer, key, false);
  }

  /** Starts an ES256 token signed with a P-256 private key. */
  public static Builder es256(String issuer, PrivateKey key) {
    return new Builder(issuer, key, true);
  }

  /**
   * A token with header {@code {"alg":"none"}} and an empty signature segment. A verifier that
   * trusts the header's {@code alg} would accept it.
   */
  public static String unsignedAlgNone(
      String issuer, String subject, String audience, Instant exp) {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("alg", "none");
    return segment(header) + "." + segment(forgedClaims(issuer, subject, audience, exp)) + ".";
  }

  /**
   * An HS256 token whose HMAC key is the RSA/EC public key's encoded (X.509) bytes: the
   * key-confusion forgery that succeeds against verifiers that pick the algorithm from the token
   * header and feed the "verification key" to HMAC.
   */
  public static String hs256WithPublicKey(
      String issuer, String subject, String audience, Instant exp, PublicKey publicKey) {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("alg", "HS256");
    header.put("typ", "JWT");
    String signingInput =
        segment(header) + "." + segment(forgedClaims(issuer, subject, audience, exp));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(publicKey.getEncoded(), "HmacSHA256"));
      byte[] sig = mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + B64URL.encodeToString(sig);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** Otherwise-valid claims, so the forgery is rejected for its algorithm and nothing else. */
  private static Map<String, Object> forgedClaims(
      String issuer, String subject, String audience, Instant exp) {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", issuer);
    claims.put("sub", subject);
    claims.put("aud", audience);
    claims.put("iat", exp.minus(DEFAULT_LIFETIME).getEpochSecond());
    claims.put("exp", exp.getEpochSecond());
    return claims;
  }

  private static String segment(Map<String, Object> json) {
    try {
      return B64URL.encodeToString(JSON.writeValueAsBytes(json));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Fluent builder; unset {@code iat} defaults to the clock's now, unset {@code exp} to +5 min. */
  public static final class Builder {
    private final String issuer;
    private final PrivateKey key;
    private final boolean ec;
    private final Map<String, Object> claims = new LinkedHashMap<>();
    private String subject;
    private String audience;
    private Instant issuedAt;
    private Instant expiresAt;
    private Instant notBefore;
    private String keyId;
    private Clock clock = Clock.systemUTC();

    private Builder(String issuer, PrivateKey key, boolean ec) {
      this.issuer = Objects.requireNonNull(issuer, "issuer");
      this.key = Objects.requireNonNull(key, "key");
      this.ec = ec;
    }

    public Builder subject(String subject) {
      this.subject = subject;
      return this;
    }

    /** Sets a single-valued {@code aud}, serialized as a string rather than an array. */
    public Builder audience(String audience) {
      this.audience = audience;
      return this;
    }

    public Builder claim(String name, Object value) {
      claims.put(name, value);
      return this;
    }

    public Builder issuedAt(Instant t) {
      this.issuedAt = t;
      return this;
    }

    public Builder expiresAt(Instant t) {
      this.expiresAt = t;
      return this;
    }

    public Builder notBefore(Instant t) {
      this.notBefore = t;
      return this;
    }

    public Builder keyId(String kid) {
      this.keyId = kid;
      return this;
    }

    /** Clock for the defaulted {@code iat}/{@code exp}; pass the test's MutableClock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Signs and returns the compact JWS. Uses jjwt's deprecated single-string audience on purpose:
     * real issuers (GitHub Actions OIDC) send {@code aud} as a string, and the broker must accept
     * that shape.
     */
    @SuppressWarnings("deprecation")
    public String sign() {
      Instant iat = issuedAt != null ? issuedAt : clock.instant();
      Instant exp = expiresAt != null ? expiresAt : iat.plus(DEFAULT_LIFETIME);
      JwtBuilder b = Jwts.builder().issuer(issuer).issuedAt(date(iat)).expiration(date(exp));
      if (subject != null) {
        b.subject(subject);
      }
      if (audience != null) {
        b.audience().single(audience);
      }
      if (notBefore != null) {
        b.notBefore(date(notBefore));
      }
      claims.forEach(b::claim);
      if (keyId != null) {
        b.header().keyId(keyId).and();
      }
      if (ec) {
        b.signWith(key, Jwts.SIG.ES256);
      } else {
        b.signWith(key, Jwts.SIG.RS256);
      }
      return b.compact();
    }

    private static Date date(Instant t) {
      return Date.from(t);
    }
  }
}
