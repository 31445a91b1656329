package dev.agentbroker.broker.breakglass.signin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentbroker.broker.http.HttpInputs;
import dev.agentbroker.broker.http.ProblemException;
import dev.agentbroker.broker.state.StateUnavailableException;
import dev.agentbroker.request.ErrorCode;
import dev.agentbroker.tierb.breakglass.Human;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

/**
 * The page's sign-in routes (oidc mode; 404 otherwise): {@code GET /breakglass/signin} starts the
 * code flow, {@code GET /breakglass/signin/callback} finishes it and sets the session cookie,
 * {@code POST /breakglass/signout} ends the session, {@code GET /breakglass/session} tells the page
 * how to sign in, who is signed in and the session's CSRF token. A failed sign-in lands on the page
 * with {@code #signin-error=<reason>}; the reason never carries a code or token.
 */
@Path("/breakglass")
@Tag(name = "Break-glass (humans only)")
public class SignInResource {
  private static final Logger LOG = Logger.getLogger(SignInResource.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String PAGE = "/breakglass/";

  @Inject BrowserSignIn signIn;

  @GET
  @Path("/signin")
  @Operation(summary = "Start signing in to the break-glass page with the organisation's SSO")
  public Response start() {
    requireOidc();
    Sessions.PendingSignIn p =
        new Sessions.PendingSignIn(
            Sessions.random(), Sessions.random(), Sessions.random(), signIn.now());
    URI target;
    try {
      target = signIn.relyingParty().authorizationUrl(p);
    } catch (OidcRelyingParty.SignInFailure e) {
      return failed(e.reason());
    }
    String handle;
    try {
      handle = signIn.sessions().begin(p);
    } catch (StateUnavailableException e) {
      throw BrowserSignIn.stateUnavailable(e);
    }
    // Lax, not Strict: the provider's redirect back is a cross-site navigation, and this cookie
    // must come with it. It only binds the browser to the sign-in; it authenticates nothing.
    return Response.seeOther(target)
        .header("Set-Cookie", cookie(BrowserSignIn.SIGN_IN_COOKIE, handle, "Lax", 600))
        .header("Cache-Control", "no-store")
        .build();
  }

  @GET
  @Path("/signin/callback")
  @Operation(summary = "The SSO's redirect back (authorization code, state)")
  public Response callback(@Context UriInfo uri, @Context HttpHeaders headers) {
    requireOidc();
    Cookie c = headers.getCookies().get(BrowserSignIn.SIGN_IN_COOKIE);
    Optional<Sessions.PendingSignIn> pending;
    try {
      pending = signIn.sessions().finish(c == null ? null : c.getValue());
    } catch (StateUnavailableException e) {
      throw BrowserSignIn.stateUnavailable(e);
    }
    if (pending.isEmpty()) {
      return failed("signin_expired");
    }
    MultivaluedMap<String, String> q = uri.getQueryParameters();
    String state = single(q, "state");
    if (!Sessions.same(state, pending.get().state())) {
      return failed("state_mismatch");
    }
    if (q.containsKey("error")) {
      return failed("provider_refused");
    }
    String code = single(q, "code");
    if (code == null || code.isEmpty() || code.length() > 2048) {
      return failed("invalid_callback");
    }
    Human human;
    try {
      JsonWebToken t = signIn.relyingParty().redeem(code, pending.get());
      String person =
          BrowserSignIn.person(OidcRelyingParty.stringClaim(t, signIn.settings().identityClaim()));
      if (person == null) {
        return failed("identity_claim_missing");
      }
      human = new Human(t.getIssuer(), t.getSubject(), person, true);
    } catch (OidcRelyingParty.SignInFailure e) {
      return failed(e.reason());
    }
    Optional<String> session;
    try {
      session = signIn.sessions().create(human);
    } catch (StateUnavailableException e) {
      throw BrowserSignIn.stateUnavailable(e);
    }
    if (session.isEmpty()) {
      return failed("too_many_sessions");
    }
    LOG.infof("break-glass sign-in: iss=%s sub=%s", human.issuer(), human.subject());
    return Response.seeOther(URI.create(PAGE))
        .header("Set-Cookie", cookie(BrowserSignIn.SESSION_COOKIE, session.get(), "Strict", -1))
        .header("Set-Cookie", cookie(BrowserSignIn.SIGN_IN_COOKIE, "", "Lax", 0))
        .header("Cache-Control", "no-store")
        .build();
  }

  @POST
  @Path("/signout")
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "End the page's session (body: {\"csrf_token\": \"…\"})")
  public Response signOut(@Context HttpHeaders headers, byte[] body) {
    requireOidc();
    Sessions.Session s = signIn.session(headers).orElseThrow(SignInResource::unauthenticated);
    JsonNode json = HttpInputs.jsonObject(body, 4096);
    signIn.checkStateChange(headers, s, json);
    try {
      signIn.sessions().end(headers.getCookies().get(BrowserSignIn.SESSION_COOKIE).getValue());
    } catch (StateUnavailableException e) {
      throw BrowserSignIn.stateUnavailable(e);
    }
    return Response.ok("{\"signed_in\":false}", MediaType.APPLICATION_JSON)
        .header("Set-Cookie", cookie(BrowserSignIn.SESSION_COOKIE, "", "Strict", 0))
        .header("Cache-Control", "no-store")
        .build();
  }

  @GET
  @Path("/session")
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "How the page signs in, who is signed in, and the session's CSRF token")
  public Response session(@Context HttpHeaders headers) {
    ObjectNode out = MAPPER.createObjectNode();
    out.put("sign_in", signIn.settings().mode().wire());
    Optional<Sessions.Session> s = signIn.session(headers);
    out.put("signed_in", s.isPresent());
    s.ifPresent(
        x -> {
          ObjectNode me = out.putObject("me");
          me.put("iss", x.human().issuer()).put("sub", x.human().subject());
          me.put("person", x.human().person());
          out.put("csrf_token", x.csrfToken());
          out.put("idle_timeout_seconds", signIn.settings().idleTimeout().toSeconds());
        });
    return Response.ok(out.toString(), MediaType.APPLICATION_JSON)
        .header("Cache-Control", "no-store")
        .build();
  }

  private void requireOidc() {
    if (signIn.settings().mode() != SignInSettings.Mode.OIDC) {
      throw new ProblemException(
          ErrorCode.NOT_FOUND, "sign_in_not_configured", "the page's SSO sign-in is off");
    }
  }

  private static String single(MultivaluedMap<String, String> q, String name) {
    List<String> v = q.get(name);
    return v == null || v.size() != 1 ? null : v.get(0);
  }

  private static Response failed(String reason) {
    LOG.infof("break-glass sign-in failed: reason=%s", reason);
    return Response.seeOther(URI.create(PAGE + "#signin-error=" + reason))
        .header("Set-Cookie", cookie(BrowserSignIn.SIGN_IN_COOKIE, "", "Lax", 0))
        .header("Cache-Control", "no-store")
        .build();
  }

  /** maxAge -1: a session cookie (gone when the browser closes); 0 deletes. */
  static String cookie(String name, String value, String sameSite, int maxAge) {
    return name
        + "="
        + value
        + "; Path=/"
        + (maxAge >= 0 ? "; Max-Age=" + maxAge : "")
        + "; Secure; HttpOnly; SameSite="
        + sameSite;
  }

  private static ProblemException unauthenticated() {
    return new ProblemException(
        ErrorCode.UNAUTHENTICATED, "no_session", "sign in to the break-glass page first");
  }
}
