package dev.agentbroker.broker.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentbroker.broker.config.BrokerConfig;
import dev.agentbroker.broker.config.IssuerPresets;
import dev.agentbroker.broker.http.Attribution;
import dev.agentbroker.broker.http.ProblemException;
import dev.agentbroker.policy.Caller;
import dev.agentbroker.request.ErrorCode;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;

/**
 * Verifies caller JWTs with smallrye-jwt. The unverified {@code iss} only selects which parser
 * runs; that parser then checks signature (with that issuer's key alone), {@code iss}, {@code aud},
 * {@code exp}/{@code nbf}, and the algorithm allowlist (RS256/ES256: {@code none} and HMAC can
 * never pass). A parser per issuer avoids smallrye's cached-key-resolver trap, where a shared
 * parser verified every issuer with the first issuer's key.
 *
 * <p>After the signature, the broker's own limits: {@code iat} is required and not in the future
 * (beyond the skew), and {@code exp - iat} must not exceed the issuer's {@code max-token-lifetime}
 * — without both, a stolen long-lived token would be as good as a fresh one. RSA keys under 2048
 * bits are refused by jose4j at verification (never relaxed here), which covers keys fetched from a
 * JWKS; configured key files are also checked at start-up ({@code IssuerKeyCheck}).
 *
 * <p>The claims handed on never include the bearer token itself: smallrye exposes it as the {@code
 * raw_token} claim, and a claim that carries token text is dropped too, so it cannot reach the
 * policy, a log line or the journal.
 */
public final class CallerAuthenticator {
  private static final Logger LOG = Logger.getLogger(CallerAuthenticator.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int MAX_TOKEN_CHARS = 16 * 1024;

  /** Claims that carry a bearer token: smallrye's copy of the raw JWT and OAuth's usual names. */
  static final Set<String> TOKEN_CLAIMS =
      Set.of("raw_token", "access_token", "id_token", "refresh_token");

  private record Verifier(
      String name, DefaultJWTParser parser, boolean human, Duration maxLifetime) {}

  private final Map<String, Verifier> byIssuer = new HashMap<>();
  private final Clock clock;
  private final long skewSeconds;

  public CallerAuthenticator(BrokerConfig.Jwt config, Clock clock) {
    this(config, clock, ctx -> {});
  }

  /** {@code tweak} adjusts each parser's context; tests use it to trust a local HTTPS JWKS. */
  CallerAuthenticator(BrokerConfig.Jwt config, Clock clock, Consumer<JWTAuthContextInfo> tweak) {
    this.clock = clock;
    this.skewSeconds = config.clockSkewSeconds();
    config
        .issuers()
        .forEach(
            (name, configured) -> {
              // Problems were reported (and start-up refused) by ConfigProblems already.
              IssuerPresets.Resolved i = IssuerPresets.resolve(name, configured, new ArrayList<>());
              JWTAuthContextInfo ctx = new JWTAuthContextInfo(i.publicKeyLocation(), i.issuer());
              ctx.setExpectedAudience(new LinkedHashSet<>(i.audiences()));
              Set<SignatureAlgorithm> algs = new LinkedHashSet<>();
              i.algorithms().forEach(a -> algs.add(SignatureAlgorithm.fromAlgorithm(a)));
              ctx.setSignatureAlgorithm(algs);
              ctx.setClockSkew(config.clockSkewSeconds());
              ctx.setRequireNamedPrincipal(true);
              // jose4j's minimum RSA size (2048) also guards keys fetched from a JWKS; pinned so a
              // library default can never relax it.
              ctx.setRelaxVerificationKeyValidation(false);
              tweak.accept(ctx);
              // A factory per issuer: each owns its own token parser and key resolver.
              DefaultJWTParser parser =
                  new DefaultJWTParser(ctx, new DefaultJWTCallerPrincipalFactory());
              byIssuer.put(
                  i.issuer(), new Verifier(name, parser, i.human(), configured.maxTokenLifetime()));
            });
  }

  /** Verifies an {@code Authorization} header value or throws a 401 problem. */
  public AuthenticatedCaller authenticate(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw unauthenticated("missing_bearer_token");
    }
    String jwt = authorization.substring(7).trim();
    if (jwt.isEmpty() || jwt.length() > MAX_TOKEN_CHARS) {
      throw unauthenticated("malformed_token");
    }
    String issuer = unverifiedIssuer(jwt);
    Verifier v = issuer == null ? null : byIssuer.get(issuer);
    if (v == null) {
      throw unauthenticated("untrusted_issuer");
    }
    JsonWebToken token;
    try {
      token = v.parser().parse(jwt);
    } catch (ParseException e) {
      // The cause names the failed check (expired, audience, signature); it carries no secret.
      LOG.debugf("caller token rejected issuer=%s cause=%s", v.name(), rootMessage(e));
      throw unauthenticated(missingIat(e) ? "iat_required" : "invalid_token");
    }
    String subject = token.getSubject();
    if (subject == null || subject.isEmpty()) {
      throw unauthenticated("invalid_token");
    }
    checkLifetime(token, v);
    Map<String, String> claims = new HashMap<>();
    for (String name : token.getClaimNames()) {
      String s = claimString(token.getClaim(name));
      // Token-bearing claims never leave this method; neither does any value quoting the token.
      if (s != null && !TOKEN_CLAIMS.contains(name) && !s.contains(jwt)) {
        claims.put(name, s);
      }
    }
    Caller caller = new Caller(issuer, subject, claims);
    // From here on the request is attributable: an exit the HTTP layer answers is journaled.
    Attribution.record(caller);
    return new AuthenticatedCaller(caller, v.name(), v.human());
  }

  /**
   * {@code iat} required, not in the future beyond the skew, and {@code exp - iat} within the
   * issuer's limit. Together they bound how long any accepted token stays usable: a token claiming
   * a future {@code iat} would otherwise carry an {@code exp} that far ahead too.
   */
  private void checkLifetime(JsonWebToken token, Verifier v) {
    Long iat = epochSeconds(token.getClaim("iat"));
    Long exp = epochSeconds(token.getClaim("exp"));
    if (iat == null) {
      throw unauthenticated("iat_required");
    }
    if (iat > clock.instant().getEpochSecond() + skewSeconds) {
      throw unauthenticated("iat_in_future");
    }
    if (exp == null || exp - iat > v.maxLifetime().toSeconds()) {
      LOG.debugf(
          "caller token rejected issuer=%s cause=lifetime %ds over %ds",
          v.name(), exp == null ? -1 : exp - iat, v.maxLifetime().toSeconds());
      throw unauthenticated("token_lifetime_too_long");
    }
  }

  private static Long epochSeconds(Object value) {
    if (value instanceof Number n) {
      return n.longValue();
    }
    if (value instanceof jakarta.json.JsonNumber n) {
      return n.longValue();
    }
    return null;
  }

  private static String claimString(Object value) {
    if (value instanceof String s) {
      return s;
    }
    if (value instanceof jakarta.json.JsonString js) {
      return js.getString();
    }
    if (value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    if (value instanceof jakarta.json.JsonNumber || value instanceof jakarta.json.JsonValue) {
      String t = value.toString();
      return t.startsWith("{") || t.startsWith("[") ? null : t;
    }
    return null;
  }

  private static String unverifiedIssuer(String jwt) {
    int a = jwt.indexOf('.');
    int b = a < 0 ? -1 : jwt.indexOf('.', a + 1);
    if (a <= 0 || b <= a) {
      return null;
    }
    try {
      byte[] payload = Base64.getUrlDecoder().decode(jwt.substring(a + 1, b));
      JsonNode n = MAPPER.readTree(payload);
      JsonNode iss = n == null ? null : n.get("iss");
      return iss != null && iss.isTextual() ? iss.asText() : null;
    } catch (Exception e) {
      return null;
    }
  }

  /**
   * jose4j checks claims only after the signature verified, and reports each failed check by code:
   * a missing {@code iat} gets its own stable reason.
   */
  private static boolean missingIat(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof InvalidJwtException j && j.hasErrorCode(ErrorCodes.ISSUED_AT_MISSING)) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null) {
      c = c.getCause();
    }
    return c.getClass().getSimpleName();
  }

  private static ProblemException unauthenticated(String reason) {
    return new ProblemException(
        ErrorCode.UNAUTHENTICATED, reason, "a valid bearer JWT is required");
  }
}
