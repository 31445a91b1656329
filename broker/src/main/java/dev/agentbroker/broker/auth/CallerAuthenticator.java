package dev.agentbroker.broker.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentbroker.broker.api.ProblemException;
import dev.agentbroker.broker.config.BrokerConfig;
import dev.agentbroker.broker.config.IssuerPresets;
import dev.agentbroker.policy.Caller;
import dev.agentbroker.tiera.ErrorCode;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * Verifies caller JWTs with smallrye-jwt. The unverified {@code iss} only selects which parser
 * runs; that parser then checks signature (with that issuer's key alone), {@code iss}, {@code aud},
 * {@code exp}/{@code nbf}, and the algorithm allowlist (RS256/ES256: {@code none} and HMAC can
 * never pass). A parser per issuer avoids smallrye's cached-key-resolver trap, where a shared
 * parser verified every issuer with the first issuer's key.
 */
public final class CallerAuthenticator {
  private static final Logger LOG = Logger.getLogger(CallerAuthenticator.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int MAX_TOKEN_CHARS = 16 * 1024;

  private record Verifier(String name, DefaultJWTParser parser, boolean human) {}

  private final Map<String, Verifier> byIssuer = new HashMap<>();

  public CallerAuthenticator(BrokerConfig.Jwt config) {
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
              // A factory per issuer: each owns its own token parser and key resolver.
              DefaultJWTParser parser =
                  new DefaultJWTParser(ctx, new DefaultJWTCallerPrincipalFactory());
              byIssuer.put(i.issuer(), new Verifier(name, parser, i.human()));
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
      throw unauthenticated("invalid_token");
    }
    String subject = token.getSubject();
    if (subject == null || subject.isEmpty()) {
      throw unauthenticated("invalid_token");
    }
    Map<String, String> claims = new HashMap<>();
    for (String name : token.getClaimNames()) {
      Object value = token.getClaim(name);
      String s = claimString(value);
      if (s != null) {
        claims.put(name, s);
      }
    }
    return new AuthenticatedCaller(new Caller(issuer, subject, claims), v.name(), v.human());
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
