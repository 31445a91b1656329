package dev.agentbroker.tierb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentbroker.audit.AuditEvent;
import dev.agentbroker.audit.AuditJournal;
import dev.agentbroker.audit.AuditUnavailableException;
import dev.agentbroker.audit.Outcomes;
import dev.agentbroker.audit.TokenHashes;
import dev.agentbroker.policy.Caller;
import dev.agentbroker.policy.CompiledPolicy;
import dev.agentbroker.policy.Decision;
import dev.agentbroker.policy.VerbRule;
import dev.agentbroker.request.DecisionLog;
import dev.agentbroker.request.ErrorCode;
import dev.agentbroker.request.RequestMeta;
import dev.agentbroker.request.admission.RateDecision;
import dev.agentbroker.request.admission.RateLimiter;
import dev.agentbroker.request.admission.RateLimiterUnavailableException;
import dev.agentbroker.tiera.github.GitHubAppClient;
import dev.agentbroker.tiera.github.GitHubException;
import dev.agentbroker.tiera.github.GitHubInstallationCalls;
import dev.agentbroker.tiera.github.InstallationToken;
import dev.agentbroker.tierb.internal.VerbExecutor;
import dev.agentbroker.tierb.internal.VerbJson;
import dev.agentbroker.tierb.verbs.Verb;
import dev.agentbroker.tierb.verbs.VerbCall;
import dev.agentbroker.tierb.verbs.VerbCatalog;
import dev.agentbroker.tierb.verbs.VerbInputException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Tier B's use case. Steps, in this order: (caller already authenticated) → policy allows this
 * identity this verb with these parameters → idempotency → rate limits → journal the intent → mint
 * the JIT token → perform → journal the result → revoke the JIT token. A dry run stops after the
 * policy and returns the plan.
 */
public final class VerbService {
  /** GitHub's secondary limits for content creation, enforced globally whatever callers' limits. */
  public static final long CONTENT_PER_MINUTE = 80;

  public static final long CONTENT_PER_HOUR = 500;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Supplier<CompiledPolicy> policy;
  private final RateLimiter limiter;
  private final IdempotencyStore idempotency;
  private final AuditJournal journal;
  private final VerbExecutor executor;
  private final Clock clock;

  /** Builds the service on Tier A's GitHub App client and installation-token calls. */
  public static VerbService create(
      Supplier<CompiledPolicy> policy,
      RateLimiter limiter,
      IdempotencyStore idempotency,
      AuditJournal journal,
      GitHubAppClient app,
      GitHubInstallationCalls calls,
      Clock clock) {
    return new VerbService(
        policy, limiter, idempotency, journal, new VerbExecutor(app, calls), clock);
  }

  VerbService(
      Supplier<CompiledPolicy> policy,
      RateLimiter limiter,
      IdempotencyStore idempotency,
      AuditJournal journal,
      VerbExecutor executor,
      Clock clock) {
    this.policy = policy;
    this.limiter = limiter;
    this.idempotency = idempotency;
    this.journal = journal;
    this.executor = executor;
    this.clock = clock;
  }

  /** {@code GET /verbs}: every verb with its schema and the permissions its JIT token gets. */
  public ObjectNode catalog() {
    ObjectNode out = MAPPER.createObjectNode();
    ArrayNode verbs = out.putArray("verbs");
    for (Verb v : VerbCatalog.all()) {
      ObjectNode n = verbs.addObject();
      n.put("name", v.name()).put("description", v.description());
      ObjectNode perms = n.putObject("jit_permissions");
      new java.util.TreeMap<>(v.permissions()).forEach(perms::put);
      n.put("jit_scope", v.installationWide() ? "installation" : "repository");
      n.set("schema", v.schema());
    }
    return out;
  }

  public VerbOutcome call(
      Caller caller, String verbName, JsonNode body, String idempotencyKey, RequestMeta meta) {
    Instant started = clock.instant();
    Optional<Verb> found = VerbCatalog.find(verbName);
    if (found.isEmpty()) {
      return refused(ErrorCode.NOT_FOUND, "unknown_verb", "no such verb", List.of());
    }
    Verb verb = found.get();
    VerbCall call;
    try {
      call = verb.parse(body);
    } catch (VerbInputException e) {
      return refused(
          ErrorCode.INVALID_REQUEST,
          "invalid_fields",
          "the parameters are invalid",
          e.violations());
    }
    CompiledPolicy p = policy.get();
    // One evaluation: the policy's decision is what is enforced, journaled and logged.
    Decision decision = p.evaluateVerb(caller, verb.name(), call.policyParams());
    if (!decision.allowed()) {
      journalQuietly(
          event(verb, call, caller, decision, Outcomes.DENIED, decision.reason(), meta, started));
      log(verb, Outcomes.DENIED, decision.reason(), decision, call, meta);
      return refused(
          ErrorCode.POLICY_DENIED,
          decision.reason(),
          "the policy does not allow this call",
          List.of());
    }
    VerbRule rule = p.verbs().get(verb.name());
    if (call.dryRun()) {
      log(verb, Outcomes.ALLOWED, "dry_run", decision, call, meta);
      return new VerbOutcome.Answered(200, VerbJson.plan(verb, call), Map.of());
    }
    String idemKey = null;
    if (idempotencyKey != null) {
      // The caller's own record: another caller's identical key is never a replay of this one.
      idemKey =
          IdempotencyStore.scopedKey(
              caller.issuer(), caller.subject(), verb.name(), idempotencyKey);
      IdempotencyStore.Claim claim =
          idempotency.claim(idemKey, TokenHashes.sha256Hex(call.params().toString()));
      if (claim instanceof IdempotencyStore.Claim.Replay r) {
        return replay(r.stored());
      }
      if (claim instanceof IdempotencyStore.Claim.Conflict) {
        return refused(
            ErrorCode.CONFLICT,
            "idempotency_conflict",
            "this Idempotency-Key was used with a different request",
            List.of());
      }
      if (claim instanceof IdempotencyStore.Claim.Unavailable) {
        return refused(
            ErrorCode.RATE_LIMITER_UNAVAILABLE,
            "idempotency_store_unavailable",
            "the shared idempotency store did not answer; retry later",
            List.of());
      }
      if (claim instanceof IdempotencyStore.Claim.Busy) {
        return refused(
            ErrorCode.CONFLICT,
            "idempotency_in_progress",
            "a call with this Idempotency-Key is still running",
            List.of());
      }
    }
    VerbOutcome outcome = perform(verb, call, caller, decision, rule, meta, started);
    if (idemKey != null) {
      if (outcome instanceof VerbOutcome.Answered a) {
        idempotency.complete(idemKey, new IdempotencyStore.Stored(a.status(), a.body().toString()));
      } else {
        idempotency.release(idemKey);
      }
    }
    return outcome;
  }

  private VerbOutcome perform(
      Verb verb,
      VerbCall call,
      Caller caller,
      Decision identity,
      VerbRule rule,
      RequestMeta meta,
      Instant started) {
    String identityId = identity.identityId();
    Map<String, String> headers = new LinkedHashMap<>();
    try {
      RateDecision d =
          limiter.acquire(
              "verb|" + identityId + "|" + verb.name(),
              rule.rate().permits(),
              rule.rate().window());
      headers.put("RateLimit-Limit", Long.toString(d.limit()));
      headers.put("RateLimit-Remaining", Long.toString(d.remaining()));
      if (!d.allowed()) {
        return rateLimited(verb, call, caller, identity, meta, started, "rate_limited", d, headers);
      }
      if (verb.createsContent()) {
        for (Duration w : List.of(Duration.ofMinutes(1), Duration.ofHours(1))) {
          long permits = w.toMinutes() == 1 ? CONTENT_PER_MINUTE : CONTENT_PER_HOUR;
          RateDecision g = limiter.acquire("global|content-creation|" + w.toSeconds(), permits, w);
          if (!g.allowed()) {
            return rateLimited(
                verb,
                call,
                caller,
                identity,
                meta,
                started,
                "github_content_creation_budget",
                g,
                headers);
          }
        }
      }
    } catch (RateLimiterUnavailableException e) {
      journalQuietly(
          event(
              verb,
              call,
              caller,
              identity,
              Outcomes.ERROR,
              "rate_limiter_unavailable",
              meta,
              started));
      return new VerbOutcome.Refused(
          ErrorCode.RATE_LIMITER_UNAVAILABLE,
          "rate_limiter_unavailable",
          "the rate limiter is unavailable; nothing was done",
          List.of(),
          Optional.of(Duration.ofSeconds(5)),
          headers);
    }
    try {
      journal.append(
          event(verb, call, caller, identity, Outcomes.ALLOWED, "intent", meta, started).build());
    } catch (AuditUnavailableException e) {
      return new VerbOutcome.Refused(
          ErrorCode.AUDIT_UNAVAILABLE,
          "audit_" + e.reason().name().toLowerCase(),
          "the audit journal cannot record this call; nothing was done",
          List.of(),
          Optional.of(Duration.ofSeconds(5)),
          headers);
    }
    InstallationToken jit;
    try {
      jit = executor.mint(verb, call);
    } catch (GitHubException e) {
      journalQuietly(
          event(verb, call, caller, identity, Outcomes.ERROR, "jit_mint_failed", meta, started));
      log(verb, Outcomes.ERROR, "jit_mint_failed", identity, call, meta);
      ErrorCode code = VerbJson.errorCode(e.kind());
      String detail =
          code == ErrorCode.GITHUB_REJECTED
              ? e.githubMessage().orElse("GitHub refused the just-in-time token")
              : "GitHub refused the just-in-time token";
      return new VerbOutcome.Refused(
          code, "jit_mint_failed", detail, List.of(), e.retryAfter(), headers);
    }
    VerbExecutor.Report report = executor.performAndRevoke(verb.plan(call), jit);
    String sha = report.jitSha256();
    String reason = report.reason();
    String outcome = report.completed() ? Outcomes.ALLOWED : Outcomes.ERROR;
    AuditEvent.Builder result =
        event(verb, call, caller, identity, outcome, reason, meta, started).tokenSha256(sha);
    Map<String, String> details = new LinkedHashMap<>();
    details.put("phase", "result");
    details.put("steps", report.steps().toString());
    result.details(details);
    journalQuietly(result);
    log(verb, report.completed() ? Outcomes.ALLOWED : Outcomes.ERROR, reason, identity, call, meta);
    ObjectNode out = MAPPER.createObjectNode();
    out.put("verb", verb.name());
    out.put("status", reason);
    out.set("params", call.params());
    out.set("steps", report.steps());
    if (VerbExecutor.Report.UNCHANGED.equals(reason)) {
      // Answered clearly and journaled (reason "unchanged"): nothing needed writing.
      out.put("detail", "the current setting is already at least as strong; nothing was changed");
      return new VerbOutcome.Answered(200, out, headers);
    }
    if (report.completed()) {
      return new VerbOutcome.Answered(verb.createsContent() ? 201 : 200, out, headers);
    }
    if (VerbExecutor.Report.MERGE_REFUSED.equals(reason)) {
      return new VerbOutcome.Refused(
          ErrorCode.UPSTREAM_ERROR,
          reason,
          report.failedMessage() + "; nothing was changed",
          List.of(),
          Optional.empty(),
          headers);
    }
    if (report.nothingDone()) {
      return new VerbOutcome.Refused(
          ErrorCode.GITHUB_REJECTED,
          "github_rejected",
          report.failedMessage() == null ? "GitHub rejected the call" : report.failedMessage(),
          List.of(),
          Optional.empty(),
          headers);
    }
    out.put("detail", "the action failed part-way: the steps with status < 300 took effect");
    return new VerbOutcome.Answered(502, out, headers);
  }

  private VerbOutcome rateLimited(
      Verb verb,
      VerbCall call,
      Caller caller,
      Decision identity,
      RequestMeta meta,
      Instant started,
      String reason,
      RateDecision d,
      Map<String, String> headers) {
    headers.put("RateLimit-Remaining", "0");
    journalQuietly(event(verb, call, caller, identity, Outcomes.DENIED, reason, meta, started));
    log(verb, Outcomes.DENIED, reason, identity, call, meta);
    return new VerbOutcome.Refused(
        ErrorCode.RATE_LIMITED,
        reason,
        "rate limit reached; retry later",
        List.of(),
        Optional.of(d.retryAfter()),
        headers);
  }

  private static VerbOutcome replay(IdempotencyStore.Stored stored) {
    try {
      return new VerbOutcome.Answered(
          stored.status(),
          (ObjectNode) MAPPER.readTree(stored.body()),
          Map.of("Idempotent-Replayed", "true"));
    } catch (java.io.IOException e) {
      throw new IllegalStateException("stored idempotent answer unreadable", e);
    }
  }

  private static VerbOutcome refused(
      ErrorCode code, String reason, String detail, List<dev.agentbroker.request.Violation> v) {
    return new VerbOutcome.Refused(code, reason, detail, v, Optional.empty(), Map.of());
  }

  private AuditEvent.Builder event(
      Verb verb,
      VerbCall call,
      Caller caller,
      Decision decision,
      String outcome,
      String reason,
      RequestMeta meta,
      Instant started) {
    return AuditEvent.builder("verb." + verb.name(), outcome)
        .time(clock.instant())
        .reason(reason)
        .ruleId(decision.ruleId())
        .issuer(caller.issuer())
        .subject(caller.subject())
        .identityId(decision.identityId())
        .profile(decision.profile() == null ? null : decision.profile().wireName())
        .owner(call.owner())
        .repositories(call.repository().map(List::of).orElse(List.of()))
        .permissions(verb.permissions())
        .requestId(meta.requestId())
        .clientIp(meta.clientIp())
        .latencyMs(Duration.between(started, clock.instant()).toMillis())
        .details(
            Map.of(
                "phase",
                reason.equals("intent") ? "intent" : "decision",
                "params",
                call.params().toString()));
  }

  /** After the intent is durable, later records are best effort: the action already happened. */
  private void journalQuietly(AuditEvent.Builder event) {
    try {
      journal.append(event.build());
    } catch (AuditUnavailableException e) {
      DecisionLog.of("audit", Outcomes.ERROR, "journal_append_failed")
          .with(DecisionLog.DETAIL, e.reason().name())
          .emit();
    }
  }

  private static void log(
      Verb verb,
      String decision,
      String reason,
      Decision policyDecision,
      VerbCall call,
      RequestMeta meta) {
    DecisionLog.of("verb." + verb.name(), decision, reason, policyDecision.ruleId())
        .with(DecisionLog.IDENTITY, policyDecision.identityId())
        .with(DecisionLog.OWNER, call.owner())
        .with(DecisionLog.REPOSITORIES, call.repository().orElse(null))
        .with(DecisionLog.REQUEST_ID, meta.requestId())
        .emit();
  }
}
