package dev.agentbroker.broker.http;

import dev.agentbroker.audit.AuditEvent;
import dev.agentbroker.audit.AuditJournal;
import dev.agentbroker.audit.AuditUnavailableException;
import dev.agentbroker.audit.Outcomes;
import dev.agentbroker.policy.Caller;
import dev.agentbroker.policy.PolicyStore;
import dev.agentbroker.request.DecisionLog;
import dev.agentbroker.request.ErrorCode;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.core.CurrentRequestManager;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.mapping.RuntimeResource;

/**
 * Records every exit the HTTP layer answers itself, before a tier decided (ADR 0019): one decision
 * line each, and for an authenticated caller ({@link Attribution}) one journal event first — action
 * {@value #ACTION_REFUSED}, the problem's reason, issuer, subject, the policy identity, request id,
 * client address, and in {@code details} the problem {@code code} and the route template (never
 * body text, path values or claims). An exit the journal cannot record is answered {@code 503
 * audit_unavailable} ({@code audit_<reason>}, {@code Retry-After: 5}), never with the refusal that
 * went unrecorded. An unauthenticated exit is a line only (action {@value #ACTION_AUTH} for a
 * {@code 401}): its identity is unverified and its volume unbounded, so it never reaches the
 * journal. Tier outcomes ({@link ProblemException#recorded()}) were recorded by the tier.
 */
@Singleton
public class PreDecisionExits {
  public static final String ACTION_AUTH = "auth";
  public static final String ACTION_REFUSED = "request.refused";
  static final Duration RETRY_AFTER = Duration.ofSeconds(5);

  @Inject AuditJournal journal;
  @Inject PolicyStore policy;
  @Inject Clock clock;

  /** The answer to {@code p}, after recording it if no tier did. */
  public Response answer(ProblemException p, ContainerRequestContext ctx, HttpServerRequest http) {
    String requestId = RequestIds.of(ctx);
    if (p.recorded()) {
      return Responses.problem(p, requestId);
    }
    String src =
        http == null || http.remoteAddress() == null ? null : http.remoteAddress().hostAddress();
    String outcome = p.code().status() >= 500 ? Outcomes.ERROR : Outcomes.DENIED;
    String route = route();
    Optional<Caller> caller = Attribution.of(ctx);
    // Only refusals of authenticated callers are journaled; a 5xx here is a fault, not a decision.
    if (caller.isEmpty() || outcome.equals(Outcomes.ERROR)) {
      String action = p.code() == ErrorCode.UNAUTHENTICATED ? ACTION_AUTH : ACTION_REFUSED;
      DecisionLog line = DecisionLog.of(action, outcome, p.reason()).with("code", p.code().wire());
      caller.ifPresent(
          c -> line.with(DecisionLog.ISSUER, c.issuer()).with(DecisionLog.SUBJECT, c.subject()));
      line.with("route", route)
          .with(DecisionLog.CLIENT_IP, src)
          .with(DecisionLog.REQUEST_ID, requestId)
          .emit();
      return Responses.problem(p, requestId);
    }
    Caller c = caller.get();
    String identity = policy.current().identify(c).map(i -> i.id()).orElse(null);
    Map<String, String> details = new LinkedHashMap<>();
    details.put("code", p.code().wire());
    if (route != null) {
      details.put("route", route);
    }
    AuditEvent e =
        AuditEvent.builder(ACTION_REFUSED, outcome)
            .time(clock.instant())
            .reason(p.reason())
            .issuer(c.issuer())
            .subject(c.subject())
            .identityId(identity)
            .requestId(requestId)
            .clientIp(src)
            .details(details)
            .build();
    try {
      journal.append(e);
    } catch (AuditUnavailableException ex) {
      String reason = "audit_" + ex.reason().name().toLowerCase();
      line(e, reason, Outcomes.ERROR)
          .with(DecisionLog.DETAIL, "unjournaled=" + e.outcome() + "/" + e.reason())
          .emit();
      return Responses.problem(
          new ProblemException(
              ErrorCode.AUDIT_UNAVAILABLE,
              reason,
              "the audit journal cannot record this request; nothing was done",
              List.of(),
              RETRY_AFTER),
          requestId);
    }
    line(e, e.reason(), e.outcome()).emit();
    return Responses.problem(p, requestId);
  }

  private static DecisionLog line(AuditEvent e, String reason, String outcome) {
    return DecisionLog.of(e.action(), outcome, reason)
        .with("code", e.details().get("code"))
        .with(DecisionLog.IDENTITY, e.identityId())
        .with(DecisionLog.ISSUER, e.issuer())
        .with(DecisionLog.SUBJECT, e.subject())
        .with("route", e.details().get("route"))
        .with(DecisionLog.CLIENT_IP, e.clientIp())
        .with(DecisionLog.REQUEST_ID, e.requestId());
  }

  /** The matched route as its template ({@code POST /verbs/{verb}}): never caller text. */
  private static String route() {
    ResteasyReactiveRequestContext rc = CurrentRequestManager.get();
    RuntimeResource t = rc == null ? null : rc.getTarget();
    if (t == null) {
      return null;
    }
    String base = t.getClassPath() == null ? "" : t.getClassPath().template;
    String sub = t.getPath() == null ? "" : t.getPath().template;
    return t.getHttpMethod() + " " + base + (sub.equals("/") ? "" : sub);
  }
}
