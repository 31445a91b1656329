package dev.agentbroker.broker.breakglass.signin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentbroker.broker.breakglass.BreakGlassConfig;
import dev.agentbroker.broker.config.BrokerConfig;
import dev.agentbroker.broker.http.ProblemException;
import dev.agentbroker.broker.state.SharedState;
import dev.agentbroker.broker.state.StateUnavailableException;
import dev.agentbroker.request.ErrorCode;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The page's sign-in as the rest of the broker sees it: validated settings (start-up refused with
 * every problem listed), the session behind a request's cookie, and the cross-site checks a
 * cookie-authenticated state change must pass.
 */
@Startup
@ApplicationScoped
public class BrowserSignIn {
  /** {@code __Host-}: Secure, Path=/ and no Domain, so no sibling subdomain can plant it. */
  public static final String SESSION_COOKIE = "__Host-bg-session";

  static final String SIGN_IN_COOKIE = "__Host-bg-signin";
  private static final Logger LOG = Logger.getLogger(BrowserSignIn.class);
  private static final int MAX_PERSON = 256;

  @Inject BreakGlassConfig config;
  @Inject BrokerConfig broker;
  @Inject Clock clock;
  @Inject SharedState state;

  private SignInSettings settings;
  private SessionStore sessions;
  private OidcRelyingParty relyingParty;

  @PostConstruct
  void start() {
    List<String> problems = new ArrayList<>();
    settings = SignInSettings.of(config, SignInSettings.humanIssuers(broker.jwt()), problems);
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "broker.breakglass configuration invalid:\n  - " + String.join("\n  - ", problems));
    }
    if (state.shared()) {
      // Shared by every replica: no sticky sessions needed. max-sessions bounds memory only.
      sessions =
          new RedisSessions(
              state.redis(),
              state.sealer(),
              state.prefix(),
              clock,
              settings.idleTimeout(),
              settings.maxLifetime());
    } else {
      sessions =
          new Sessions(
              clock, settings.idleTimeout(), settings.maxLifetime(), settings.maxSessions());
    }
    if (settings.mode() == SignInSettings.Mode.OIDC) {
      relyingParty = new OidcRelyingParty(settings, broker.jwt().clockSkewSeconds());
    }
    if (settings.mode() == SignInSettings.Mode.PASTED_TOKEN) {
      LOG.warn(
          "break-glass page sign-in is pasted-token: for the dev demo only; use"
              + " broker.breakglass.sign-in=oidc in production");
    }
    LOG.infof(
        "break-glass sign-in: %s identity-claim=%s sessions=%s",
        settings.mode().wire(), settings.identityClaim(), state.shared() ? "redis" : "memory");
  }

  public SignInSettings settings() {
    return settings;
  }

  java.time.Instant now() {
    return clock.instant();
  }

  SessionStore sessions() {
    return sessions;
  }

  OidcRelyingParty relyingParty() {
    return relyingParty;
  }

  /** The live session behind the request's cookie (oidc mode only), its idle clock restarted. */
  public Optional<Sessions.Session> session(HttpHeaders headers) {
    if (settings.mode() != SignInSettings.Mode.OIDC) {
      return Optional.empty();
    }
    Cookie c = headers.getCookies().get(SESSION_COOKIE);
    if (c == null) {
      return Optional.empty();
    }
    try {
      return sessions.touch(c.getValue());
    } catch (StateUnavailableException e) {
      throw stateUnavailable(e);
    }
  }

  /**
   * The answer when the session store cannot answer: 503, never "signed in" and never a silent
   * "signed out" that would send the person through the SSO again for nothing.
   */
  static ProblemException stateUnavailable(StateUnavailableException e) {
    LOG.errorf("break-glass sign-in state unavailable: %s", e.getMessage());
    return new ProblemException(
        ErrorCode.STATE_UNAVAILABLE, "state_unavailable", "the sign-in state cannot be read now");
  }

  /**
   * A cookie-authenticated state change must come from the page: {@code Sec-Fetch-Site:
   * same-origin} and/or an {@code Origin} equal to the configured one (at least one present, none
   * contradicting), and the session's CSRF token in the JSON body. SameSite=Strict already keeps
   * the cookie off cross-site requests; these checks hold even where it does not.
   */
  public void checkStateChange(HttpHeaders headers, Sessions.Session s, JsonNode body) {
    String site = headers.getHeaderString("Sec-Fetch-Site");
    String origin = headers.getHeaderString("Origin");
    if (site != null && !site.equals("same-origin")) {
      throw csrf("cross_site_request", "the request did not come from the break-glass page");
    }
    if (origin != null && !origin.equals(settings.originHeader())) {
      throw csrf("cross_site_request", "the request did not come from the break-glass page");
    }
    if (site == null && origin == null) {
      throw csrf("origin_missing", "a browser request must carry Origin or Sec-Fetch-Site");
    }
    JsonNode t = body.get("csrf_token");
    if (t == null || !t.isTextual()) {
      throw csrf("csrf_token_missing", "the body must carry the session's csrf_token");
    }
    if (!Sessions.same(t.asText(), s.csrfToken())) {
      throw csrf("csrf_token_invalid", "the csrf_token does not match this session");
    }
  }

  /** The person claim, normalised (trimmed, lower case), or null when missing or unusable. */
  public static String person(String raw) {
    if (raw == null) {
      return null;
    }
    // Lower case: two spellings of one e-mail address are one person. Folding can only make
    // more callers "the same person", which refuses more approvals, never fewer.
    String p = raw.strip().toLowerCase(Locale.ROOT);
    return p.isEmpty() || p.length() > MAX_PERSON ? null : p;
  }

  private static ProblemException csrf(String reason, String detail) {
    return new ProblemException(ErrorCode.CSRF_REFUSED, reason, detail);
  }
}
