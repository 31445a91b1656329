package dev.agentbroker.tierb.breakglass;

import dev.agentbroker.audit.AuditEvent;
import dev.agentbroker.audit.AuditJournal;
import dev.agentbroker.audit.AuditUnavailableException;
import dev.agentbroker.audit.Outcomes;
import dev.agentbroker.request.DecisionLog;
import dev.agentbroker.request.ErrorCode;
import dev.agentbroker.request.RequestMeta;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Break-glass audit events: every one is {@code severity=high} so alerts can page on the action
 * alone. Each event carries the grant id, kind, requester and justification, so a single event is
 * readable without joining others. Tokens appear only as their SHA-256.
 */
final class BreakGlassAudit {
  static final String SEVERITY = "high";
  static final String RULE = "breakglass";
  private static final Pattern GRANT_ID = Pattern.compile("^bg-[0-9a-f-]{36}$");

  private final AuditJournal journal;
  private final Clock clock;

  BreakGlassAudit(AuditJournal journal, Clock clock) {
    this.journal = journal;
    this.clock = clock;
  }

  /** Builds the event for {@code step} ({@code request}, {@code approve}, …) on {@code grant}. */
  AuditEvent.Builder event(
      String step, String outcome, String reason, Human actor, Grant grant, RequestMeta meta) {
    AuditEvent.Builder b =
        AuditEvent.builder("breakglass." + step, outcome)
            .time(clock.instant())
            .reason(reason)
            .ruleId(RULE)
            .severity(SEVERITY);
    if (actor != null) {
      b.issuer(actor.issuer()).subject(actor.subject());
    }
    if (meta != null) {
      b.requestId(meta.requestId()).clientIp(meta.clientIp());
    }
    Map<String, String> d = new LinkedHashMap<>();
    if (grant != null) {
      b.owner(grant.elevation().owner());
      d.put("grant_id", grant.id());
      d.put("kind", grant.elevation().kind());
      d.put("requester", grant.requester().display());
      d.put("justification", grant.justification());
      d.put("duration_minutes", Long.toString(grant.duration().toMinutes()));
      d.put("state", grant.state().wire());
      if (grant.elevation() instanceof Elevation.InstallationWideToken t) {
        b.permissions(t.permissions());
      } else if (grant.elevation() instanceof Elevation.VerbAction v) {
        d.put("verb", v.verb());
        d.put("params", v.params().toString());
      }
      if (grant.decidedBy() != null) {
        d.put("decided_by", grant.decidedBy().display());
      }
      if (grant.note() != null) {
        d.put("note", grant.note());
      }
    }
    return b.details(d);
  }

  /** Journals or throws: the step must not take effect unaudited. */
  void append(AuditEvent.Builder event) throws AuditUnavailableException {
    journal.append(event.build());
  }

  /**
   * Journals a refusal, then logs it. A refusal the journal cannot record is answered {@code
   * audit_unavailable} (fail closed, as both tiers): no decision is answered unaudited.
   */
  BreakGlassOutcome.Refused refuse(
      String step, Human actor, Grant grant, RequestMeta meta, BreakGlassOutcome.Refused refusal) {
    return refuse(
        step,
        event(step, Outcomes.DENIED, refusal.reason(), actor, grant, meta),
        actor,
        grant == null ? null : grant.id(),
        refusal);
  }

  /** As above, for an event the caller built (e.g. one naming a grant that does not exist). */
  BreakGlassOutcome.Refused refuse(
      String step,
      AuditEvent.Builder event,
      Human actor,
      String grantId,
      BreakGlassOutcome.Refused refusal) {
    try {
      journal.append(event.build());
    } catch (AuditUnavailableException e) {
      return unavailable(step, actor, grantId, e);
    }
    log(step, Outcomes.DENIED, refusal.reason(), actor, grantId);
    return refusal;
  }

  /** The refusal of a caller that is not a verified human, journaled like any refusal. */
  BreakGlassOutcome.Refused notHuman(String step, Human h, RequestMeta meta) {
    return refuse(
        step,
        h,
        null,
        meta,
        BreakGlassOutcome.Refused.of(
            ErrorCode.HUMAN_REQUIRED, "human_required", "break-glass is for human callers only"));
  }

  /** A refused request: no grant exists yet, so the event names what was asked for. */
  BreakGlassOutcome.Refused refuseRequest(
      Human h, BreakGlassRequest r, RequestMeta meta, BreakGlassOutcome.Refused refusal) {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("kind", r.elevation().kind());
    if (r.elevation() instanceof Elevation.VerbAction a) {
      d.put("verb", a.verb());
      d.put("params", a.params().toString());
    }
    return refuse(
        "request",
        event("request", Outcomes.DENIED, refusal.reason(), h, null, meta)
            .owner(r.elevation().owner())
            .details(d),
        h,
        null,
        refusal);
  }

  /**
   * A refusal naming a grant id that is no grant, or refused before the grant is looked up: the id
   * is caller text, shown only when it has our shape.
   */
  BreakGlassOutcome.Refused refuseUnknownGrant(
      String step, Human h, String id, RequestMeta meta, BreakGlassOutcome.Refused refusal) {
    String shown = grantIdShown(id);
    return refuse(
        step,
        event(step, Outcomes.DENIED, refusal.reason(), h, null, meta)
            .details(Map.of("grant_id", shown)),
        h,
        shown,
        refusal);
  }

  /** The answer for a step the journal would not record; its decision line says so. */
  static BreakGlassOutcome.Refused unavailable(
      String step, Human actor, String grantId, AuditUnavailableException e) {
    String reason = "audit_" + e.reason().name().toLowerCase();
    log(step, Outcomes.ERROR, reason, actor, grantId);
    return BreakGlassOutcome.Refused.of(
        ErrorCode.AUDIT_UNAVAILABLE,
        reason,
        "the audit journal cannot record this step; nothing changed");
  }

  /**
   * For results after the claim is durable (the use already happened or failed at GitHub): a
   * journal failure is logged, not fatal, as for Tier B's verb results.
   */
  void afterTheFact(AuditEvent.Builder event) {
    try {
      journal.append(event.build());
    } catch (AuditUnavailableException e) {
      DecisionLog.of("audit", Outcomes.ERROR, "journal_append_failed", RULE)
          .with(DecisionLog.DETAIL, e.reason().name())
          .emit();
    }
  }

  /**
   * The store could not be read or written ({@code state_unavailable}), the grant stayed held by
   * another step ({@code grant_busy}) or moved on under a lost lease ({@code state_conflict}): the
   * step is refused 503, journaled and logged as an error. Fail closed: never act on a grant whose
   * state is unknown.
   */
  BreakGlassOutcome.Refused stateFailed(
      String step, Human h, String id, RequestMeta meta, String reason, GrantStoreException e) {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("grant_id", grantIdShown(id));
    if (e != null) {
      d.put("error", e.getMessage());
    }
    afterTheFact(event(step, Outcomes.ERROR, reason, h, null, meta).details(d));
    log(step, Outcomes.ERROR, reason, h, id);
    return BreakGlassOutcome.Refused.of(
        ErrorCode.STATE_UNAVAILABLE,
        reason,
        "the break-glass state store cannot answer for this grant now; try again");
  }

  /** Whether {@code id} has the shape of our grant ids (anything else is no grant). */
  static boolean wellFormed(String id) {
    return id != null && GRANT_ID.matcher(id).matches();
  }

  /** A grant id as records show it: ours are {@code bg-<uuid>}; anything else is caller text. */
  static String grantIdShown(String id) {
    return wellFormed(id) ? id : "(malformed)";
  }

  static void log(String step, String decision, String reason, Human actor, String grantId) {
    DecisionLog.of("breakglass." + step, decision, reason, RULE)
        .with(DecisionLog.ISSUER, actor == null ? null : actor.issuer())
        .with(DecisionLog.SUBJECT, actor == null ? null : actor.subject())
        .with(DecisionLog.DETAIL, grantId == null ? null : "grant=" + grantId)
        .emit();
  }
}
