package dev.agentbroker.broker.breakglass.signin;

import dev.agentbroker.broker.breakglass.BreakGlassConfig;
import dev.agentbroker.broker.config.BrokerConfig;
import dev.agentbroker.broker.config.IssuerPresets;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The validated {@code broker.breakglass.sign-in}, {@code origin}, {@code oidc.*}, {@code
 * session.*} and {@code identity-claim} settings. {@link #of} lists every problem at once, each
 * naming its property and environment variable.
 */
public record SignInSettings(
    Mode mode,
    String identityClaim,
    URI origin,
    String issuer,
    String clientId,
    String clientSecret,
    List<String> scopes,
    Duration timeout,
    Duration idleTimeout,
    Duration maxLifetime,
    int maxSessions) {

  /** The page's sign-in. */
  public enum Mode {
    NONE("none"),
    OIDC("oidc"),
    PASTED_TOKEN("pasted-token");

    final String wire;

    Mode(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }
  }

  public static final String CALLBACK_PATH = "/breakglass/signin/callback";
  private static final Pattern CLAIM = Pattern.compile("^[A-Za-z0-9_.:-]{1,64}$");
  private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

  @Override
  public String toString() {
    // The record's default would print the client secret.
    return "SignInSettings[mode=" + mode.wire + ", origin=" + origin + ", issuer=" + issuer + "]";
  }

  /** {@code origin} + the callback path: the one redirect URI registered at the provider. */
  public String redirectUri() {
    return origin + CALLBACK_PATH;
  }

  /** The page's origin as browsers send it in {@code Origin} (no trailing slash). */
  public String originHeader() {
    return origin == null ? null : origin.toString();
  }

  /**
   * @param humanIssuers the {@code issuer} values of the {@code human=true} caller issuers
   */
  public static SignInSettings of(
      BreakGlassConfig c, Set<String> humanIssuers, List<String> problems) {
    String claim = c.identityClaim().strip();
    if (!CLAIM.matcher(claim).matches()) {
      problems.add(
          prop("identity-claim")
              + " must be a claim name (letters, digits, _ . : -), e.g. email or employee_id");
    }
    Mode mode = null;
    for (Mode m : Mode.values()) {
      if (m.wire.equals(c.signIn().strip().toLowerCase(Locale.ROOT))) {
        mode = m;
      }
    }
    if (mode == null) {
      problems.add(
          prop("sign-in") + " must be none, oidc or pasted-token (got '" + c.signIn() + "')");
      mode = Mode.NONE;
    }
    BreakGlassConfig.Session s = c.session();
    if (!positive(s.idleTimeout())) {
      problems.add(prop("session.idle-timeout") + " must be positive");
    }
    if (!positive(s.maxLifetime()) || s.maxLifetime().compareTo(s.idleTimeout()) < 0) {
      problems.add(prop("session.max-lifetime") + " must be positive and >= the idle timeout");
    }
    if (s.maxSessions() < 1) {
      problems.add(prop("session.max-sessions") + " must be >= 1");
    }
    if (!positive(c.oidc().timeout())) {
      problems.add(prop("oidc.timeout") + " must be positive");
    }
    URI origin = c.origin().orElse(null);
    if (origin != null) {
      originProblems(origin, problems);
    }
    List<String> scopes = List.of(c.oidc().scopes().strip().split("\\s+"));
    if (mode == Mode.OIDC) {
      if (origin == null) {
        problems.add(prop("origin") + " must be set when sign-in=oidc");
      }
      String issuer = required(c.oidc().issuer(), "oidc.issuer", problems);
      if (issuer != null && !humanIssuers.contains(issuer)) {
        problems.add(
            prop("oidc.issuer")
                + " must be the issuer of a broker.jwt.issuers.<name> entry with human=true");
      }
      required(c.oidc().clientId(), "oidc.client-id", problems);
      required(c.oidc().clientSecret(), "oidc.client-secret", problems);
      if (!scopes.contains("openid")) {
        problems.add(prop("oidc.scopes") + " must contain openid");
      }
    }
    return new SignInSettings(
        mode,
        claim,
        origin,
        c.oidc().issuer().orElse(null),
        c.oidc().clientId().orElse(null),
        c.oidc().clientSecret().orElse(null),
        scopes,
        c.oidc().timeout(),
        s.idleTimeout(),
        s.maxLifetime(),
        s.maxSessions());
  }

  private static void originProblems(URI o, List<String> problems) {
    String scheme = o.getScheme() == null ? "" : o.getScheme().toLowerCase(Locale.ROOT);
    boolean bare =
        o.getHost() != null
            && (o.getRawPath() == null || o.getRawPath().isEmpty())
            && o.getRawQuery() == null
            && o.getRawFragment() == null
            && o.getRawUserInfo() == null;
    boolean secure =
        scheme.equals("https") || (scheme.equals("http") && LOOPBACK.contains(o.getHost()));
    if (!bare || !secure) {
      problems.add(
          prop("origin")
              + " must be an origin like https://broker.example.com (scheme, host, optional port;"
              + " no path; http only for localhost)");
    }
  }

  /** The {@code issuer} values of the human-only entries of {@code broker.jwt.issuers}. */
  public static Set<String> humanIssuers(BrokerConfig.Jwt jwt) {
    List<String> ignored = new ArrayList<>();
    Set<String> out = new java.util.HashSet<>();
    jwt.issuers()
        .forEach(
            (name, i) -> {
              IssuerPresets.Resolved r = IssuerPresets.resolve(name, i, ignored);
              if (r.human()) {
                out.add(r.issuer());
              }
            });
    return out;
  }

  private static String required(Optional<String> v, String name, List<String> problems) {
    if (v.isEmpty() || v.get().isBlank()) {
      problems.add(prop(name) + " must be set when sign-in=oidc");
      return null;
    }
    return v.get();
  }

  private static boolean positive(Duration d) {
    return d != null && !d.isNegative() && !d.isZero();
  }

  /** {@code broker.breakglass.<name> (BROKER_BREAKGLASS_<NAME>)}. */
  static String prop(String name) {
    String p = "broker.breakglass." + name;
    String env = p.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    return p + " (" + env + ")";
  }
}
