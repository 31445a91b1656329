package dev.agentbroker.tierb;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentbroker.audit.AuditEvent;
import dev.agentbroker.audit.AuditJournal;
import dev.agentbroker.audit.AuditUnavailableException;
import dev.agentbroker.audit.Outcomes;
import dev.agentbroker.policy.Caller;
import dev.agentbroker.policy.CompiledPolicy;
import dev.agentbroker.policy.Decision;
import dev.agentbroker.policy.IdentityRule;
import dev.agentbroker.request.DecisionLog;
import dev.agentbroker.request.ErrorCode;
import dev.agentbroker.request.RequestMeta;
import dev.agentbroker.request.Violation;
import dev.agentbroker.tierb.verbs.Verb;
import dev.agentbroker.tierb.verbs.VerbCall;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The journal event and the decision line of every exit of a verb call, rendered from the same
 * facts (the line is derived from the event), so a log search and a journal search agree. Before
 * the intent is durable an exit that cannot be journaled is refused with {@code audit_unavailable}
 * (fail closed, as Tier A); after it, records are best effort (the action already happened).
 */
final class VerbRecords {
  /** The action of a call naming no catalog verb: a constant, never caller input. */
  static final String UNKNOWN_VERB_ACTION = "verb.unknown";

  static final String PHASE = "phase";
  static final String PARAMS = "params";
  static final String REQUESTED_VERB = "requested_verb";
  static final String FIELDS = "fields";
  static final String IDEMPOTENCY_KEY = "idempotency_key";
  static final String REPLAYED_STATUS = "replayed_status";

  /** Detail keys the decision line repeats (phase, params and steps stay in the journal). */
  private static final List<String> LINE_DETAILS =
      List.of(REQUESTED_VERB, FIELDS, IDEMPOTENCY_KEY, REPLAYED_STATUS);

  private static final Pattern VERB_SHAPE = Pattern.compile("^[a-z][a-z0-9-]{0,63}$");

  private final AuditJournal journal;
  private final Clock clock;

  VerbRecords(AuditJournal journal, Clock clock) {
    this.journal = journal;
    this.clock = clock;
  }

  /** Who is calling: the authenticated caller and, once the policy decided, its identity/rule. */
  record Who(Caller caller, String identityId, String profile, String ruleId) {
    static Who decided(Caller c, Decision d) {
      return new Who(
          c, d.identityId(), d.profile() == null ? null : d.profile().wireName(), d.ruleId());
    }

    /** Before the policy decided: the identity the caller matches, if any; no rule yet. */
    static Who identified(Caller c, CompiledPolicy p) {
      Optional<IdentityRule> id = p.identify(c);
      return new Who(
          c,
          id.map(IdentityRule::id).orElse(null),
          id.map(i -> i.profile().wireName()).orElse(null),
          null);
    }
  }

  /** An event that names no verb call: unknown verb, or a body the verb's schema refused. */
  AuditEvent.Builder event(
      String action,
      String outcome,
      String reason,
      Who who,
      RequestMeta meta,
      Instant started,
      Map<String, String> details) {
    return AuditEvent.builder(action, outcome)
        .time(clock.instant())
        .reason(reason)
        .ruleId(who.ruleId())
        .issuer(who.caller().issuer())
        .subject(who.caller().subject())
        .identityId(who.identityId())
        .profile(who.profile())
        .requestId(meta.requestId())
        .clientIp(meta.clientIp())
        .latencyMs(Duration.between(started, clock.instant()).toMillis())
        .details(details);
  }

  /** What every event of one parsed call shares; {@code idem} names its idempotency record. */
  record Facts(
      Verb verb,
      VerbCall call,
      Who who,
      RequestMeta meta,
      Instant started,
      Map<String, String> idem) {
    Facts withIdempotencyKey(String scopedKey) {
      // The scoped key is a SHA-256 (no caller text): it joins a replay to the call it replays.
      return new Facts(verb, call, who, meta, started, Map.of(IDEMPOTENCY_KEY, scopedKey));
    }
  }

  /** An event about a parsed call ({@code phase}: decision, intent or result). */
  AuditEvent.Builder event(
      Facts f, String outcome, String reason, String phase, Map<String, String> extra) {
    Map<String, String> details = new LinkedHashMap<>();
    details.put(PHASE, phase);
    details.put(PARAMS, f.call().params().toString());
    details.putAll(f.idem());
    details.putAll(extra);
    return event(
            "verb." + f.verb().name(), outcome, reason, f.who(), f.meta(), f.started(), details)
        .owner(f.call().owner())
        .repositories(f.call().repository().map(List::of).orElse(List.of()))
        .permissions(f.verb().permissions());
  }

  /** A decision about a parsed call, journaled (or refused) and logged as {@code answer}. */
  VerbOutcome decided(Facts f, String outcome, String reason, VerbOutcome answer) {
    return exit(event(f, outcome, reason, "decision", Map.of()), answer);
  }

  /**
   * Journals an exit before anything was done and logs its line; returns {@code answer}, or, when
   * the journal refuses, {@code audit_unavailable}: no decision is answered unaudited.
   */
  VerbOutcome exit(AuditEvent.Builder event, VerbOutcome answer) {
    AuditEvent e = event.build();
    try {
      journal.append(e);
    } catch (AuditUnavailableException ex) {
      return auditUnavailable(e, ex, headers(answer));
    }
    line(e).emit();
    return answer;
  }

  /** Journals the intent or throws: nothing may be minted unaudited. */
  void intent(AuditEvent event) throws AuditUnavailableException {
    journal.append(event);
  }

  /** After the intent is durable, later records are best effort: the action already happened. */
  void afterTheFact(AuditEvent.Builder event) {
    AuditEvent e = event.build();
    try {
      journal.append(e);
    } catch (AuditUnavailableException ex) {
      DecisionLog.of("audit", Outcomes.ERROR, "journal_append_failed")
          .with(DecisionLog.DETAIL, ex.reason().name())
          .with(DecisionLog.REQUEST_ID, e.requestId())
          .emit();
    }
    line(e).emit();
  }

  /** The refusal for an exit the journal would not record; its line says so. */
  VerbOutcome.Refused auditUnavailable(
      AuditEvent e, AuditUnavailableException ex, Map<String, String> headers) {
    String reason = "audit_" + ex.reason().name().toLowerCase();
    DecisionLog.of(e.action(), Outcomes.ERROR, reason, e.ruleId())
        .with(DecisionLog.IDENTITY, e.identityId())
        .with(DecisionLog.ISSUER, e.issuer())
        .with(DecisionLog.SUBJECT, e.subject())
        .with(DecisionLog.REQUEST_ID, e.requestId())
        .with(DecisionLog.DETAIL, "unjournaled=" + e.outcome() + "/" + e.reason())
        .emit();
    return new VerbOutcome.Refused(
        ErrorCode.AUDIT_UNAVAILABLE,
        reason,
        "the audit journal cannot record this call; nothing was done",
        List.of(),
        Optional.of(Duration.ofSeconds(5)),
        headers);
  }

  /** The decision line of a journaled event: the same action, outcome, reason and attribution. */
  static DecisionLog line(AuditEvent e) {
    DecisionLog d =
        DecisionLog.of(e.action(), e.outcome(), e.reason(), e.ruleId())
            .with(DecisionLog.IDENTITY, e.identityId())
            .with(DecisionLog.ISSUER, e.issuer())
            .with(DecisionLog.SUBJECT, e.subject())
            .with(DecisionLog.OWNER, e.owner())
            .with(
                DecisionLog.REPOSITORIES,
                e.repositories() == null || e.repositories().isEmpty()
                    ? null
                    : String.join(",", e.repositories()))
            .with(DecisionLog.TOKEN_SHA256, e.tokenSha256())
            .with(DecisionLog.REQUEST_ID, e.requestId())
            .with(DecisionLog.CLIENT_IP, e.clientIp())
            .with(DecisionLog.LATENCY_MS, e.latencyMs());
    StringBuilder detail = new StringBuilder();
    for (String k : LINE_DETAILS) {
      String v = e.details() == null ? null : e.details().get(k);
      if (v != null) {
        detail.append(detail.isEmpty() ? "" : " ").append(k).append('=').append(v);
      }
    }
    return d.with(DecisionLog.DETAIL, detail.isEmpty() ? null : detail.toString());
  }

  /**
   * The requested name of an unknown verb as records show it: a verb-shaped name (e.g. {@code
   * delete-repo}, worth an alert) as is, anything else as {@code (malformed)}: the name is caller
   * input and never becomes an action, so callers cannot grow the action vocabulary.
   */
  static String requestedVerb(String name) {
    return name != null && VERB_SHAPE.matcher(name).matches() ? name : "(malformed)";
  }

  /**
   * The violated field paths, comma-separated, without values. A path naming a field the verb's
   * schema does not have is caller input (a key could hold a pasted token): shown as {@code
   * /(unknown)}.
   */
  static String fieldPaths(Verb verb, List<Violation> violations) {
    JsonNode props = verb.schema().get("properties");
    Set<String> out = new LinkedHashSet<>();
    for (Violation v : violations) {
      String path = v.field();
      String top = path.length() > 1 ? path.substring(1).split("/", 2)[0] : "";
      out.add(path.equals("/") || props.has(top) ? path : "/(unknown)");
    }
    return String.join(",", out);
  }

  /** A refusal's rate-limit headers carry over; an answer's (Idempotent-Replayed) do not. */
  private static Map<String, String> headers(VerbOutcome o) {
    return o instanceof VerbOutcome.Refused r ? r.headers() : Map.of();
  }
}
