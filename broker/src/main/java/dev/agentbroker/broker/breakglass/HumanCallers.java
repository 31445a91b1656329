package dev.agentbroker.broker.breakglass;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentbroker.broker.auth.AuthenticatedCaller;
import dev.agentbroker.broker.auth.CallerAuthenticator;
import dev.agentbroker.broker.breakglass.signin.BrowserSignIn;
import dev.agentbroker.broker.breakglass.signin.Sessions;
import dev.agentbroker.broker.http.Attribution;
import dev.agentbroker.broker.http.ProblemException;
import dev.agentbroker.policy.Caller;
import dev.agentbroker.request.ErrorCode;
import dev.agentbroker.request.Violation;
import dev.agentbroker.tierb.breakglass.Human;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who is calling break-glass, and whether a state change may proceed.
 *
 * <ol>
 *   <li>An {@code Authorization: Bearer} JWT (scripts, the dev page) is verified by the broker's
 *       per-issuer parsers; its issuer must be human-only ({@code 403 human_required}).
 *   <li>Otherwise the page's session cookie (oidc sign-in); otherwise {@code 401}.
 *   <li>Either way the person's stable identity ({@code broker.breakglass.identity-claim}) must be
 *       present, or four-eyes could not compare people across issuers: {@code 403 human_required}
 *       with reason {@code identity_claim_missing}.
 * </ol>
 *
 * A state change carries a JSON body naming the grant ({@code id}, equal to the path's); with a
 * session it must also pass {@link BrowserSignIn#checkStateChange} (origin and CSRF token).
 */
@ApplicationScoped
public class HumanCallers {
  @Inject CallerAuthenticator authenticator;
  @Inject BrowserSignIn signIn;

  /** A resolved human; {@code session} is present when the page's cookie authenticated them. */
  public record Acting(Human human, Optional<Sessions.Session> session) {}

  public Acting resolve(HttpHeaders headers) {
    String authorization = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
    if (authorization == null) {
      Optional<Sessions.Session> s = signIn.session(headers);
      if (s.isPresent()) {
        Human h = s.get().human();
        Attribution.record(new Caller(h.issuer(), h.subject(), Map.of()));
        return new Acting(h, s);
      }
    }
    AuthenticatedCaller c = authenticator.authenticate(authorization);
    if (!c.human()) {
      throw new ProblemException(
          ErrorCode.HUMAN_REQUIRED,
          "human_required",
          "break-glass accepts only tokens from the human-only issuer");
    }
    String claim = signIn.settings().identityClaim();
    String person = BrowserSignIn.person(c.caller().claims().get(claim));
    if (person == null) {
      throw new ProblemException(
          ErrorCode.HUMAN_REQUIRED,
          "identity_claim_missing",
          "the token has no '" + claim + "' claim, which names the person for four-eyes");
    }
    return new Acting(
        new Human(c.caller().issuer(), c.caller().subject(), person, true), Optional.empty());
  }

  /**
   * Checks a state change's body: only {@code allowed} members plus {@code id} (when {@code pathId}
   * is given, required and equal to it) and {@code csrf_token} (required with a session, refused
   * without one); with a session also the origin and the token. Returns the body without {@code
   * csrf_token}.
   */
  public JsonNode checkStep(
      Acting a, HttpHeaders headers, JsonNode body, String pathId, Set<String> allowed) {
    if (a.session().isPresent()) {
      signIn.checkStateChange(headers, a.session().get(), body);
    } else if (body.has("csrf_token")) {
      throw invalid("csrf_token", "only the page's session sends a csrf_token");
    }
    if (pathId != null) {
      JsonNode id = body.get("id");
      if (id == null || !id.isTextual() || !id.asText().equals(pathId)) {
        throw invalid("id", "the body's id must name the grant in the path");
      }
    }
    com.fasterxml.jackson.databind.node.ObjectNode rest =
        ((com.fasterxml.jackson.databind.node.ObjectNode) body).deepCopy();
    rest.remove("csrf_token");
    if (pathId != null) {
      rest.remove("id");
      List<Violation> unknown = new ArrayList<>();
      for (Iterator<String> it = rest.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!allowed.contains(f)) {
          unknown.add(new Violation(f, "unknown member"));
        }
      }
      if (!unknown.isEmpty()) {
        throw new ProblemException(
            ErrorCode.INVALID_REQUEST, "invalid_fields", "unknown members", unknown, null);
      }
    }
    return rest;
  }

  private static ProblemException invalid(String field, String message) {
    return new ProblemException(
        ErrorCode.INVALID_REQUEST,
        "invalid_fields",
        message,
        List.of(new Violation(field, message)),
        null);
  }
}
