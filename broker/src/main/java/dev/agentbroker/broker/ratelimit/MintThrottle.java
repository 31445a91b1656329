package dev.agentbroker.broker.ratelimit;

import dev.agentbroker.audit.AuditEvent;
import dev.agentbroker.audit.AuditJournal;
import dev.agentbroker.audit.AuditUnavailableException;
import dev.agentbroker.audit.Outcomes;
import dev.agentbroker.broker.http.ProblemException;
import dev.agentbroker.broker.http.Responses;
import dev.agentbroker.policy.Caller;
import dev.agentbroker.policy.IdentityRule;
import dev.agentbroker.policy.PolicyStore;
import dev.agentbroker.policy.TokenRequest;
import dev.agentbroker.request.DecisionLog;
import dev.agentbroker.request.ErrorCode;
import dev.agentbroker.request.RequestMeta;
import dev.agentbroker.request.admission.Admission;
import dev.agentbroker.tiera.TokenService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rate limits in front of Tier A's mint. A refusal is journaled like every other decision ({@code
 * token.mint}, outcome {@code denied} reason {@code rate_limited}, or {@code error} reason {@code
 * rate_limiter_unavailable}); if the journal cannot take it the caller gets {@code 503
 * audit_unavailable} instead, as Tier A answers for its own refusals.
 */
@ApplicationScoped
public class MintThrottle {
  private static final String GLOBAL = "global_github_budget";

  @Inject PolicyStore policy;
  @Inject TokenService tokens;
  @Inject AuditJournal journal;
  @Inject RateLimits limits;
  @Inject Clock clock;

  /** Admitted (with the headers to send) or refused with a problem document. */
  public record Verdict(Map<String, String> headers, ProblemException refusal) {
    public boolean admitted() {
      return refusal == null;
    }

    /** The refusal as a problem+json response carrying the {@code RateLimit-*} headers. */
    public Response response(String requestId) {
      return Responses.problem(refusal, requestId);
    }
  }

  public Verdict admit(Caller caller, TokenRequest request, RequestMeta meta) {
    Instant started = clock.instant();
    Optional<IdentityRule> identity = policy.current().identify(caller);
    if (identity.isEmpty()) {
      // Nothing to count against; the policy denies (and journals) the request right after.
      return new Verdict(Map.of(), null);
    }
    boolean callsGitHub = tokens.explain(caller, request).allowed();
    Admission a = limits.admitMint(identity.get().id(), callsGitHub);
    if (a.admitted()) {
      return new Verdict(a.headers(), null);
    }
    boolean limited = a.result() == Admission.Result.LIMITED;
    String ruleId = "ratelimit/" + (GLOBAL.equals(a.reason()) ? "global" : "token");
    AuditEvent.Builder ev =
        AuditEvent.builder(TokenService.ACTION_MINT, limited ? Outcomes.DENIED : Outcomes.ERROR)
            .time(clock.instant())
            .reason(a.reason())
            .ruleId(ruleId)
            .issuer(caller.issuer())
            .subject(caller.subject())
            .identityId(identity.get().id())
            .profile(identity.get().profile().wireName())
            .owner(request.owner())
            .repositories(names(request))
            .permissions(request.permissions())
            .requestId(meta.requestId())
            .clientIp(meta.clientIp())
            .latencyMs(Duration.between(started, clock.instant()).toMillis())
            .details(Map.of("phase", "decision"));
    try {
      journal.append(ev.build());
    } catch (AuditUnavailableException e) {
      String reason = "audit_" + e.reason().name().toLowerCase();
      log(identity.get(), Outcomes.ERROR, reason, ruleId, meta);
      return new Verdict(
          a.headers(),
          new ProblemException(
              ErrorCode.AUDIT_UNAVAILABLE,
              reason,
              "the audit journal cannot record this decision; nothing was issued",
              List.of(),
              Duration.ofSeconds(5),
              a.headers()));
    }
    log(identity.get(), limited ? Outcomes.DENIED : Outcomes.ERROR, a.reason(), ruleId, meta);
    String detail =
        limited
            ? "rate limit reached; retry after the Retry-After delay"
            : "the rate limiter is unavailable; nothing was issued";
    return new Verdict(
        a.headers(),
        new ProblemException(
            limited ? ErrorCode.RATE_LIMITED : ErrorCode.RATE_LIMITER_UNAVAILABLE,
            a.reason(),
            detail,
            List.of(),
            a.retryAfter(),
            a.headers()));
  }

  private static void log(
      IdentityRule identity, String verdict, String reason, String ruleId, RequestMeta meta) {
    DecisionLog.of(TokenService.ACTION_MINT, verdict, reason, ruleId)
        .with(DecisionLog.IDENTITY, identity.id())
        .with(DecisionLog.REQUEST_ID, meta.requestId())
        .with(DecisionLog.CLIENT_IP, meta.clientIp())
        .emit();
  }

  /** Names and ids together (ids as {@code id:N}), as Tier A's journal records show them. */
  private static List<String> names(TokenRequest r) {
    List<String> out = new ArrayList<>(r.repositories());
    r.repositoryIds().forEach(id -> out.add("id:" + id));
    return out;
  }
}
