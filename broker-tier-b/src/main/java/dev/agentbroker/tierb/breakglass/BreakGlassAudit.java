package dev.agentbroker.tierb.breakglass;

import dev.agentbroker.audit.AuditEvent;
import dev.agentbroker.audit.AuditJournal;
import dev.agentbroker.audit.AuditUnavailableException;
import dev.agentbroker.audit.Outcomes;
import dev.agentbroker.request.DecisionLog;
import dev.agentbroker.request.RequestMeta;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Break-glass audit events: every one is {@code severity=high} so alerts can page on the action
 * alone. Each event carries the grant id, kind, requester and justification, so a single event is
 * readable without joining others. Tokens appear only as their SHA-256.
 */
final class BreakGlassAudit {
  static final String SEVERITY = "high";
  static final String RULE = "breakglass";

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

  /** For refusals and after-the-fact results: a journal failure is logged, not fatal. */
  void quietly(AuditEvent.Builder event) {
    try {
      journal.append(event.build());
    } catch (AuditUnavailableException e) {
      DecisionLog.of("audit", Outcomes.ERROR, "journal_append_failed", RULE)
          .with(DecisionLog.DETAIL, e.reason().name())
          .emit();
    }
  }

  static void log(String step, String decision, String reason, Human actor, String grantId) {
    DecisionLog.of("breakglass." + step, decision, reason, RULE)
        .with(DecisionLog.ISSUER, actor == null ? null : actor.issuer())
        .with(DecisionLog.SUBJECT, actor == null ? null : actor.subject())
        .with(DecisionLog.DETAIL, grantId == null ? null : "grant=" + grantId)
        .emit();
  }
}
