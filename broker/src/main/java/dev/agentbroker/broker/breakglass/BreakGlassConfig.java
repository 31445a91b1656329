package dev.agentbroker.broker.breakglass;

import static dev.agentbroker.broker.config.ConfigNames.named;

import dev.agentbroker.broker.breakglass.signin.SignInSettings;
import dev.agentbroker.broker.config.BrokerConfig;
import dev.agentbroker.tierb.breakglass.BreakGlassSettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code broker.breakglass.*}: see docs/configuration.md, "Break-glass". */
@ConfigMapping(prefix = "broker.breakglass")
public interface BreakGlassConfig {
  /** JSON file holding pending requests and grants (written atomically, never holds a token). */
  @WithDefault("data/breakglass.json")
  Path storeFile();

  /** How long a request waits for a decision, and at most how long an approval stays usable. */
  @WithDefault("15m")
  Duration approvalWindow();

  /** The longest duration a human may request; at most 1h. */
  @WithDefault("1h")
  Duration maxDuration();

  /** How often open grants past their deadline are expired (and journaled). */
  @WithDefault("30s")
  Duration sweepInterval();

  /** Decided grants kept for the web page's history; the journal keeps all. */
  @WithDefault("1000")
  int historyLimit();

  /**
   * The claim naming the person behind a human token, the same at every human issuer (e.g. {@code
   * email} or an employee id): four-eyes compares it, so one person with two accounts cannot
   * approve their own request. Tokens without it are refused.
   */
  @WithDefault("email")
  String identityClaim();

  /**
   * How people sign in to the web page: {@code none} (the page has no sign-in; the API takes bearer
   * JWTs), {@code oidc} (the organisation's OpenID Connect provider, cookie session), or {@code
   * pasted-token} (the dev demo's text box for a bearer JWT; never in production).
   */
  @WithDefault("none")
  String signIn();

  /**
   * The page's public origin ({@code https://broker.example.com}): the redirect URI is built from
   * it, and cookie-authenticated state changes must come from it. Required for {@code oidc}.
   */
  Optional<URI> origin();

  Oidc oidc();

  /**
   * Every problem of {@code broker.breakglass.*} (grant rules, sign-in, sessions), each naming its
   * property and environment variable.
   *
   * @param jwt the caller issuers: an oidc sign-in must use a human one
   */
  static List<String> problems(BreakGlassConfig c, BrokerConfig.Jwt jwt) {
    List<String> out = new ArrayList<>();
    if (c.approvalWindow().isNegative() || c.approvalWindow().isZero()) {
      out.add(named("broker.breakglass.approval-window") + " must be positive");
    }
    if (c.maxDuration().isNegative()
        || c.maxDuration().isZero()
        || c.maxDuration().compareTo(BreakGlassSettings.HARD_MAX_DURATION) > 0) {
      out.add(named("broker.breakglass.max-duration") + " must be more than 0 and at most 1h");
    }
    if (c.historyLimit() < 1) {
      out.add(named("broker.breakglass.history-limit") + " must be >= 1");
    }
    SignInSettings.of(c, SignInSettings.humanIssuers(jwt), out);
    return out;
  }

  Session session();

  /** {@code broker.breakglass.oidc.*}: the web-app client of the human issuer. */
  interface Oidc {
    /** The provider's issuer URL; it must be a {@code human=true} entry of broker.jwt.issuers. */
    Optional<String> issuer();

    Optional<String> clientId();

    /** The client secret (client_secret_basic); from a secret store, never logged. */
    Optional<String> clientSecret();

    @WithDefault("openid email profile")
    String scopes();

    /** Connect and read timeout for discovery and the token request. */
    @WithDefault("10s")
    Duration timeout();
  }

  /** {@code broker.breakglass.session.*}: the page's server-side sessions. */
  interface Session {
    /** A session unused this long is gone; sign in again. */
    @WithDefault("15m")
    Duration idleTimeout();

    /** A session ends this long after sign-in, however active. */
    @WithDefault("8h")
    Duration maxLifetime();

    /** At most this many sessions at once; sign-in is refused while full. */
    @WithDefault("10000")
    int maxSessions();
  }
}
