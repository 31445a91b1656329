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
import dev.agentbroker.request.ErrorCode;
import dev.agentbroker.request.RequestMeta;
import dev.agentbroker.request.Violation;
import dev.agentbroker.request.admission.RateDecision;
import dev.agentbroker.request.admission.RateLimiter;
import dev.agentbroker.request.admission.RateLimiterUnavailableException;
import dev.agentbroker.tiera.github.GitHubAppClient;
import dev.agentbroker.tiera.github.GitHubException;
import dev.agentbroker.tiera.github.GitHubInstallationCalls;
import dev.agentbroker.tiera.github.InstallationToken;
import dev.agentbroker.tierb.VerbRecords.Facts;
import dev.agentbroker.tierb.VerbRecords.Who;
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
  private final VerbRecords records;
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
    this.records = new VerbRecords(journal, clock);
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

  /**
   * Runs one verb call. Every exit is one journal event and one decision line (see {@link
   * VerbRecords}); an exit before the intent that the journal cannot record is answered {@code
   * audit_unavailable}, never with the decision it could not audit.
   */
  public VerbOutcome call(
      Caller caller, String verbName, JsonNode body, String idempotencyKey, RequestMeta meta) {
    Instant started = clock.instant();
    CompiledPolicy p = policy.get();
    Optional<Verb> found = VerbCatalog.find(verbName);
    if (found.isEmpty()) {
      String shown = VerbRecords.requestedVerb(verbName);
      return records.exit(
          records.event(
              VerbRecords.UNKNOWN_VERB_ACTION,
              Outcomes.DENIED,
              "unknown_verb",
              Who.identified(caller, p),
              meta,
              started,
              Map.of(VerbRecords.PHASE, "decision", VerbRecords.REQUESTED_VERB, shown)),
          refused(ErrorCode.NOT_FOUND, "unknown_verb", "no such verb", List.of()));
    }
    Verb verb = found.get();
    VerbCall call;
    try {
      call = verb.parse(body);
    } catch (VerbInputException e) {
      String fields = VerbRecords.fieldPaths(verb, e.violations());
      return records.exit(
          records.event(
              "verb." + verb.name(),
              Outcomes.DENIED,
              "invalid_fields",
              Who.identified(caller, p),
              meta,
              started,
              Map.of(VerbRecords.PHASE, "decision", VerbRecords.FIELDS, fields)),
          refused(
              ErrorCode.INVALID_REQUEST,
              "invalid_fields",
              "the parameters are invalid",
              e.violations()));
    }
    // One evaluation: the policy's decision is what is enforced, journaled and logged.
    Decision decision = p.evaluateVerb(caller, verb.name(), call.policyParams());
    Facts f = new Facts(verb, call, Who.decided(caller, decision), meta, started, Map.of());
    if (!decision.allowed()) {
      String reason = decision.reason();
      return records.decided(
          f,
          Outcomes.DENIED,
          reason,
          refused(
              ErrorCode.POLICY_DENIED, reason, "the policy does not allow this call", List.of()));
    }
    VerbRule rule = p.verbs().get(verb.name());
    if (call.dryRun()) {
      return records.decided(
          f,
          Outcomes.ALLOWED,
          "dry_run",
          new VerbOutcome.Answered(200, VerbJson.plan(verb, call), Map.of()));
    }
    if (idempotencyKey == null) {
      return perform(f, rule);
    }
    // The caller's own record: another caller's identical key is never a replay of this one.
    String idemKey =
        IdempotencyStore.scopedKey(caller.issuer(), caller.subject(), verb.name(), idempotencyKey);
    f = f.withIdempotencyKey(idemKey);
    IdempotencyStore.Claim claim =
        idempotency.claim(idemKey, TokenHashes.sha256Hex(call.params().toString()));
    if (!(claim instanceof IdempotencyStore.Claim.Fresh)) {
      return claimExit(claim, f);
    }
    VerbOutcome outcome = perform(f, rule);
    if (outcome instanceof VerbOutcome.Answered a) {
      idempotency.complete(idemKey, new IdempotencyStore.Stored(a.status(), a.body().toString()));
    } else {
      idempotency.release(idemKey);
    }
    return outcome;
  }

  /** A key that is not this call's to run: replay, conflict, busy or an unavailable store. */
  private VerbOutcome claimExit(IdempotencyStore.Claim claim, Facts f) {
    if (claim instanceof IdempotencyStore.Claim.Replay r) {
      String status = Integer.toString(r.stored().status());
      return records.exit(
          records.event(
              f,
              Outcomes.ALLOWED,
              "idempotent_replay",
              "decision",
              Map.of(VerbRecords.REPLAYED_STATUS, status)),
          replay(r.stored()));
    }
    if (claim instanceof IdempotencyStore.Claim.Conflict) {
      String detail = "this Idempotency-Key was used with a different request";
      return records.decided(
          f,
          Outcomes.DENIED,
          "idempotency_conflict",
          refused(ErrorCode.CONFLICT, "idempotency_conflict", detail, List.of()));
    }
    if (claim instanceof IdempotencyStore.Claim.Busy) {
      String detail = "a call with this Idempotency-Key is still running";
      return records.decided(
          f,
          Outcomes.DENIED,
          "idempotency_in_progress",
          refused(ErrorCode.CONFLICT, "idempotency_in_progress", detail, List.of()));
    }
    String detail = "the shared idempotency store did not answer; retry later";
    return records.decided(
        f,
        Outcomes.ERROR,
        "idempotency_store_unavailable",
        refused(
            ErrorCode.RATE_LIMITER_UNAVAILABLE,
            "idempotency_store_unavailable",
            detail,
            List.of()));
  }

  private VerbOutcome perform(Facts f, VerbRule rule) {
    Verb verb = f.verb();
    VerbCall call = f.call();
    Map<String, String> headers = new LinkedHashMap<>();
    try {
      RateDecision d =
          limiter.acquire(
              "verb|" + f.who().identityId() + "|" + verb.name(),
              rule.rate().permits(),
              rule.rate().window());
      headers.put("RateLimit-Limit", Long.toString(d.limit()));
      headers.put("RateLimit-Remaining", Long.toString(d.remaining()));
      if (!d.allowed()) {
        return rateLimited(f, "rate_limited", d, headers);
      }
      if (verb.createsContent()) {
        for (Duration w : List.of(Duration.ofMinutes(1), Duration.ofHours(1))) {
          long permits = w.toMinutes() == 1 ? CONTENT_PER_MINUTE : CONTENT_PER_HOUR;
          RateDecision g = limiter.acquire("global|content-creation|" + w.toSeconds(), permits, w);
          if (!g.allowed()) {
            return rateLimited(f, "github_content_creation_budget", g, headers);
          }
        }
      }
    } catch (RateLimiterUnavailableException e) {
      return records.decided(
          f,
          Outcomes.ERROR,
          "rate_limiter_unavailable",
          new VerbOutcome.Refused(
              ErrorCode.RATE_LIMITER_UNAVAILABLE,
              "rate_limiter_unavailable",
              "the rate limiter is unavailable; nothing was done",
              List.of(),
              Optional.of(Duration.ofSeconds(5)),
              headers));
    }
    AuditEvent intent = records.event(f, Outcomes.ALLOWED, "intent", "intent", Map.of()).build();
    try {
      records.intent(intent);
    } catch (AuditUnavailableException e) {
      return records.auditUnavailable(intent, e, headers);
    }
    InstallationToken jit;
    try {
      jit = executor.mint(verb, call);
    } catch (GitHubException e) {
      records.afterTheFact(records.event(f, Outcomes.ERROR, "jit_mint_failed", "result", Map.of()));
      ErrorCode code = VerbJson.errorCode(e.kind());
      String detail =
          code == ErrorCode.GITHUB_REJECTED
              ? e.githubMessage().orElse("GitHub refused the just-in-time token")
              : "GitHub refused the just-in-time token";
      return new VerbOutcome.Refused(
          code, "jit_mint_failed", detail, List.of(), e.retryAfter(), headers);
    }
    VerbExecutor.Report report = executor.performAndRevoke(verb.plan(call), jit);
    String reason = report.reason();
    String outcome = report.completed() ? Outcomes.ALLOWED : Outcomes.ERROR;
    records.afterTheFact(
        records
            .event(f, outcome, reason, "result", Map.of("steps", report.steps().toString()))
            .tokenSha256(report.jitSha256()));
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
      Facts f, String reason, RateDecision d, Map<String, String> headers) {
    headers.put("RateLimit-Remaining", "0");
    return records.decided(
        f,
        Outcomes.DENIED,
        reason,
        new VerbOutcome.Refused(
            ErrorCode.RATE_LIMITED,
            reason,
            "rate limit reached; retry later",
            List.of(),
            Optional.of(d.retryAfter()),
            headers));
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

  private static VerbOutcome.Refused refused(
      ErrorCode code, String reason, String detail, List<Violation> v) {
    return new VerbOutcome.Refused(code, reason, detail, v, Optional.empty(), Map.of());
  }
}
