package dev.agentbroker.broker.breakglass;

import dev.agentbroker.broker.BrokerTestEnv;
import dev.agentbroker.testkit.CallerTokens;
import dev.agentbroker.testkit.sso.OidcProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * {@link BrokerTestEnv} plus what break-glass needs: a grant store in the test's temporary
 * directory, and the organisation's SSO as a local OpenID Connect provider ({@link OidcProvider})
 * that is a second human issuer ({@code sso}) and the page's sign-in. Alice and Bob exist at both
 * human issuers with the same e-mail address. The broker listens on a fixed free port so the page's
 * origin and redirect URI are known before it starts. All break-glass test classes use exactly this
 * resource, so they share one broker start.
 */
public class BreakGlassTestEnv extends BrokerTestEnv {
  public static final String CLIENT_ID = "breakglass-page";
  public static final String CLIENT_SECRET = "page-secret-7f3a9c1e";
  public static OidcProvider sso;
  public static int port;

  @Override
  public Map<String, String> start() {
    Map<String, String> c = super.start();
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      sso = OidcProvider.start(Clock.systemUTC());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String origin = "http://localhost:" + port;
    sso.registerClient(
        CLIENT_ID, CLIENT_SECRET, URI.create(origin + "/breakglass/signin/callback"), AUDIENCE);
    for (String who : new String[] {"alice", "bob", "carol"}) {
      sso.addUser(who, "pw-" + who, who, Map.of("email", email(who), "name", who));
    }
    c.put("quarkus.http.test-port", String.valueOf(port));
    c.put("broker.breakglass.store-file", dir.resolve("breakglass.json").toString());
    String p = "broker.jwt.issuers.sso.";
    c.put(p + "issuer", sso.issuer());
    try {
      // A file: issuer key URLs must not be http:, and this provider serves plain HTTP.
      c.put(p + "public-key-location", sso.writeJwks(dir.resolve("sso-jwks.json")).toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    c.put(p + "audiences", AUDIENCE);
    c.put(p + "algorithms", "RS256");
    c.put(p + "human", "true");
    c.put("broker.breakglass.sign-in", "oidc");
    c.put("broker.breakglass.origin", origin);
    c.put("broker.breakglass.oidc.issuer", sso.issuer());
    c.put("broker.breakglass.oidc.client-id", CLIENT_ID);
    c.put("broker.breakglass.oidc.client-secret", CLIENT_SECRET);
    return c;
  }

  @Override
  public void stop() {
    super.stop();
    if (sso != null) {
      sso.close();
    }
  }

  public static String email(String who) {
    return who + "@acme.example";
  }

  /** A valid token from the bearer-only human issuer for {@code subject}, with its e-mail. */
  public static String human(String subject) {
    return humanToken(subject, Map.of("email", email(subject)));
  }

  /** As {@link #human} with exactly these extra claims. */
  public static String humanToken(String subject, Map<String, Object> claims) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    CallerTokens.Builder b =
        CallerTokens.rs256(HUMAN_ISS, humanKey.getPrivate())
            .subject(subject)
            .audience(AUDIENCE)
            .issuedAt(now)
            .expiresAt(now.plusSeconds(600));
    claims.forEach(b::claim);
    return b.sign();
  }
}
