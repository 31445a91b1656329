package dev.agentbroker.tierb.breakglass;

import dev.agentbroker.audit.AuditJournal;
import dev.agentbroker.audit.AuditUnavailableException;
import dev.agentbroker.audit.Outcomes;
import dev.agentbroker.policy.CompiledPolicy;
import dev.agentbroker.policy.Decision;
import dev.agentbroker.policy.Reasons;
import dev.agentbroker.request.ErrorCode;
import dev.agentbroker.request.RequestMeta;
import dev.agentbroker.request.Violation;
import dev.agentbroker.tiera.github.GitHubAppClient;
import dev.agentbroker.tiera.github.GitHubInstallationCalls;
import dev.agentbroker.tierb.internal.VerbExecutor;
import dev.agentbroker.tierb.verbs.VerbCall;
import dev.agentbroker.tierb.verbs.VerbInputException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The break-glass use case. Rules enforced here, not in the HTTP layer: only verified humans act;
 * the approver is never the requester (same account, or the same stable person identity through any
 * human issuer); nobody can skip approval; a grant is used at most once; an undecided request or an
 * unused grant expires. Each step is journaled (severity high) before it takes effect, and a
 * journal failure refuses the step.
 *
 * <p>The state is the {@link GrantStore}'s, read on every step: replicas sharing one store see each
 * other's steps at once. A step on an existing grant holds the grant's lease ({@link GrantLease})
 * across "read, check, journal, write", so of two concurrent uses, on one replica or two, exactly
 * one journals and claims the grant; the write is a compare-and-set, so a holder whose lease ran
 * out changes nothing. GitHub is called after the lease is given back, once the claim is durable. A
 * store that cannot answer refuses the step ({@code 503 state_unavailable}), journaled as an error.
 */
public final class BreakGlassService {
  private static final BreakGlassOutcome.Refused NOT_FOUND =
      BreakGlassOutcome.Refused.of(ErrorCode.NOT_FOUND, "grant_not_found", "no such grant");
  private final BreakGlassSettings settings;
  private final GrantStore store;
  private final BreakGlassAudit audit;
  private final Supplier<CompiledPolicy> policy;
  private final GrantUse use;
  private final GrantExpiry expiry;
  private final Clock clock;

  /** One step on a grant read under its lease; may throw when the store fails mid-step. */
  private interface Step {
    BreakGlassOutcome on(Grant g) throws GrantStoreException;
  }

  private BreakGlassService(
      BreakGlassSettings settings,
      GrantStore store,
      AuditJournal journal,
      Supplier<CompiledPolicy> policy,
      GitHubAppClient app,
      GitHubInstallationCalls calls,
      Clock clock) {
    this.settings = settings;
    this.store = store;
    this.audit = new BreakGlassAudit(journal, clock);
    this.policy = policy;
    this.clock = clock;
    this.use = new GrantUse(this, audit, app, new VerbExecutor(app, calls));
    this.expiry = new GrantExpiry(store, audit, clock);
  }

  /** Reads the store once; an unreadable store is an error, never an empty start. */
  public static BreakGlassService open(
      BreakGlassSettings settings,
      GrantStore store,
      AuditJournal journal,
      Supplier<CompiledPolicy> policy,
      GitHubAppClient app,
      GitHubInstallationCalls calls,
      Clock clock)
      throws GrantStoreException {
    store.list();
    return create(settings, store, journal, policy, app, calls, clock);
  }

  /**
   * Without reading the store first: for a shared store whose brief outage must not stop the
   * broker's start (every step reads it and refuses while it cannot answer).
   */
  public static BreakGlassService create(
      BreakGlassSettings settings,
      GrantStore store,
      AuditJournal journal,
      Supplier<CompiledPolicy> policy,
      GitHubAppClient app,
      GitHubInstallationCalls calls,
      Clock clock) {
    return new BreakGlassService(settings, store, journal, policy, app, calls, clock);
  }

  public BreakGlassSettings settings() {
    return settings;
  }

  public BreakGlassOutcome request(Human h, BreakGlassRequest r, RequestMeta meta) {
    if (!h.verifiedHuman()) {
      return audit.notHuman("request", h, meta);
    }
    if (r.duration().compareTo(settings.maxDuration()) > 0) {
      return audit.refuseRequest(
          h,
          r,
          meta,
          new BreakGlassOutcome.Refused(
              ErrorCode.INVALID_REQUEST,
              "duration_too_long",
              "the duration exceeds the configured maximum",
              List.of(
                  new Violation(
                      "duration_minutes", "at most " + settings.maxDuration().toMinutes()))));
    }
    String paramDenial =
        r.elevation() instanceof Elevation.VerbAction a ? parameterDenial(a) : null;
    if (paramDenial != null) {
      return audit.refuseRequest(
          h,
          r,
          meta,
          BreakGlassOutcome.Refused.of(
              ErrorCode.POLICY_DENIED,
              paramDenial,
              "the policy's parameter constraints for this verb still apply to break-glass"));
    }
    Grant g =
        Grant.requested(
            "bg-" + UUID.randomUUID(),
            r.elevation(),
            r.justification(),
            r.duration(),
            h,
            clock.instant(),
            settings.approvalWindow());
    try {
      return commit("request", "requested", h, null, g, meta);
    } catch (GrantStoreException e) {
      return audit.stateFailed("request", h, g.id(), meta, "state_unavailable", e);
    }
  }

  public BreakGlassOutcome approve(Human h, String id, RequestMeta meta) {
    if (!h.verifiedHuman()) {
      return audit.notHuman("approve", h, meta);
    }
    return leased(
        "approve",
        h,
        id,
        meta,
        g -> {
          BreakGlassOutcome.Refused r = stateRefusal("approve", h, g, meta, GrantState.PENDING);
          if (r != null) {
            return r;
          }
          if (g.requester().samePerson(h)) {
            // No admin bypass: the check has no exception, whoever the requester is. Compared by
            // person (stable identity across human issuers), not only by account.
            return refuse(
                "approve",
                h,
                g,
                meta,
                ErrorCode.SELF_APPROVAL_REFUSED,
                "self_approval_refused",
                "a second human must approve");
          }
          return commit(
              "approve",
              "approved",
              h,
              g,
              g.approved(h, clock.instant(), settings.approvalWindow()),
              meta);
        });
  }

  public BreakGlassOutcome deny(Human h, String id, String reason, RequestMeta meta) {
    if (!h.verifiedHuman()) {
      return audit.notHuman("deny", h, meta);
    }
    if (reason == null || reason.isBlank() || reason.strip().length() > 500 || hasControl(reason)) {
      return audit.refuseUnknownGrant(
          "deny",
          h,
          id,
          meta,
          new BreakGlassOutcome.Refused(
              ErrorCode.INVALID_REQUEST,
              "invalid_fields",
              "a reason is required",
              List.of(new Violation("reason", "1 to 500 characters, no control characters"))));
    }
    return leased(
        "deny",
        h,
        id,
        meta,
        g -> {
          BreakGlassOutcome.Refused r = stateRefusal("deny", h, g, meta, GrantState.PENDING);
          if (r != null) {
            return r;
          }
          // The requester may deny (withdraw) their own request: that only removes power.
          return commit("deny", "denied", h, g, g.denied(h, clock.instant(), reason.strip()), meta);
        });
  }

  /** Uses an approved grant of one's own, once. See {@link GrantUse}. */
  public BreakGlassOutcome use(Human h, String id, RequestMeta meta) {
    if (!h.verifiedHuman()) {
      return audit.notHuman("use", h, meta);
    }
    BreakGlassOutcome claim = leased("use", h, id, meta, g -> claim(h, g, meta));
    if (!(claim instanceof BreakGlassOutcome.Done d)) {
      return claim;
    }
    // The lease is given back: the grant is durably USED, no other step can take it.
    return use.perform(h, d.grant(), meta);
  }

  /** Open requests and grants (pending, approved), newest first. */
  public List<Grant> open() throws GrantStoreException {
    expireDue();
    return store.list().stream().filter(g -> g.state().open()).toList();
  }

  /** Decided grants (used, denied, expired), newest first. */
  public List<Grant> history() throws GrantStoreException {
    expireDue();
    return store.list().stream().filter(g -> !g.state().open()).toList();
  }

  /**
   * Expires every open grant past its deadline; returns how many this call expired. Safe on every
   * replica at once (see {@link GrantExpiry}).
   */
  public int expireDue() {
    return expiry.sweep();
  }

  /** Replaces a grant after the claim (result, reopen); called by {@link GrantUse}. */
  void update(Grant expectedCurrent, Grant next) {
    try {
      if (!store.replace(expectedCurrent, next)) {
        BreakGlassAudit.log("use", Outcomes.ERROR, "state_conflict", null, next.id());
      }
    } catch (GrantStoreException e) {
      // The journal already holds the result; the stored grant stays "used, in progress".
      BreakGlassAudit.log("use", Outcomes.ERROR, "store_write_failed", null, next.id());
    }
  }

  /**
   * Checks an approved grant of the caller's own and claims it (journal first), under its lease.
   */
  private BreakGlassOutcome claim(Human h, Grant g, RequestMeta meta) throws GrantStoreException {
    if (!g.requester().sameAccount(h)) {
      return refuse(
          "use", h, g, meta, ErrorCode.NOT_GRANT_REQUESTER, "not_grant_requester", "not yours");
    }
    BreakGlassOutcome.Refused r = stateRefusal("use", h, g, meta, GrantState.APPROVED);
    if (r != null) {
      return r;
    }
    if (g.elevation() instanceof Elevation.VerbAction a) {
      try {
        BreakGlassRequest.call(a);
      } catch (VerbInputException e) {
        return refuse(
            "use", h, g, meta, ErrorCode.INVALID_REQUEST, "schema_changed", e.getMessage());
      }
      String denial = parameterDenial(a);
      if (denial != null) {
        return refuse("use", h, g, meta, ErrorCode.POLICY_DENIED, denial, "policy");
      }
    }
    return commit("use", "claimed", h, g, g.claimed(clock.instant()), meta);
  }

  /**
   * Runs {@code step} on grant {@code id} read under its lease. An id without our shape is no grant
   * (and never becomes a store key); a store failure refuses the step.
   */
  private BreakGlassOutcome leased(String step, Human h, String id, RequestMeta meta, Step body) {
    if (!BreakGlassAudit.wellFormed(id)) {
      return audit.refuseUnknownGrant(step, h, id, meta, NOT_FOUND);
    }
    try (GrantLease lease = GrantLease.await(store, id)) {
      if (lease == null) {
        return audit.stateFailed(step, h, id, meta, "grant_busy", null);
      }
      Optional<Grant> g = store.get(id);
      if (g.isEmpty()) {
        return audit.refuseUnknownGrant(step, h, id, meta, NOT_FOUND);
      }
      return body.on(g.get());
    } catch (GrantStoreException e) {
      return audit.stateFailed(step, h, id, meta, "state_unavailable", e);
    }
  }

  /**
   * The policy's reason for refusing the verb's parameters ({@code parameter_not_allowed}, {@code
   * parameter_required}), or null when its decision allows them.
   */
  private String parameterDenial(Elevation.VerbAction a) {
    try {
      VerbCall call = BreakGlassRequest.call(a);
      Decision d = policy.get().evaluateBreakGlassVerb(a.verb(), call.policyParams());
      return d.allowed() ? null : d.reason();
    } catch (VerbInputException e) {
      return Reasons.PARAMETER_NOT_ALLOWED;
    }
  }

  /** Null when {@code g} is in {@code wanted} and not past its deadline; else the refusal. */
  private BreakGlassOutcome.Refused stateRefusal(
      String step, Human h, Grant g, RequestMeta meta, GrantState wanted) {
    if (g.dueToExpire(clock.instant())) {
      expiry.expire(g);
      return refuse(step, h, g, meta, ErrorCode.GRANT_EXPIRED, "grant_expired", "expired");
    }
    if (g.state() == wanted) {
      return null;
    }
    if (g.state() == GrantState.EXPIRED) {
      return refuse(step, h, g, meta, ErrorCode.GRANT_EXPIRED, "grant_expired", "expired");
    }
    if (wanted == GrantState.PENDING) {
      return refuse(step, h, g, meta, ErrorCode.NOT_PENDING, "not_pending", g.state().wire());
    }
    if (g.state() == GrantState.USED) {
      return refuse(
          step, h, g, meta, ErrorCode.GRANT_ALREADY_USED, "grant_already_used", "single use");
    }
    return refuse(
        step, h, g, meta, ErrorCode.GRANT_NOT_APPROVED, "grant_not_approved", g.state().wire());
  }

  /**
   * Journal first, then write ({@code before} null: create). A journal failure refuses the step
   * with nothing written; a lost compare-and-set (the lease ran out and another replica moved the
   * grant on) refuses it after the fact, journaled as an error next to the step's event.
   */
  private BreakGlassOutcome commit(
      String step, String reason, Human h, Grant before, Grant after, RequestMeta meta)
      throws GrantStoreException {
    try {
      audit.append(audit.event(step, Outcomes.ALLOWED, reason, h, after, meta));
    } catch (AuditUnavailableException e) {
      return BreakGlassAudit.unavailable(step, h, after.id(), e);
    }
    boolean written = before == null ? store.create(after) : store.replace(before, after);
    if (!written) {
      return audit.stateFailed(step, h, after.id(), meta, "state_conflict", null);
    }
    BreakGlassAudit.log(step, Outcomes.ALLOWED, reason, h, after.id());
    return new BreakGlassOutcome.Done(after);
  }

  private BreakGlassOutcome.Refused refuse(
      String step, Human h, Grant g, RequestMeta meta, ErrorCode code, String reason, String d) {
    return audit.refuse(step, h, g, meta, BreakGlassOutcome.Refused.of(code, reason, d));
  }

  private static boolean hasControl(String s) {
    return s.chars().anyMatch(c -> (c < ' ' && c != '\n') || c == 0x7f);
  }
}
