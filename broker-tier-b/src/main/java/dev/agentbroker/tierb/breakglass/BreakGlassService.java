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
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The break-glass use case. Rules enforced here, not in the HTTP layer: only verified humans act;
 * the approver is never the requester (same account, or the same stable person identity through any
 * human issuer); nobody can skip approval; a grant is used at most once; an undecided request or an
 * unused grant expires. Each step is journaled (severity high) before it takes effect, and a
 * journal failure refuses the step.
 *
 * <p>State changes run under one lock, so "check state, journal, change state" is atomic: of two
 * concurrent uses exactly one claims the grant. GitHub is called outside the lock, after the claim
 * is durable.
 */
public final class BreakGlassService {
  private static final BreakGlassOutcome.Refused NOT_FOUND =
      BreakGlassOutcome.Refused.of(ErrorCode.NOT_FOUND, "grant_not_found", "no such grant");
  private final Object lock = new Object();
  private final Map<String, Grant> grants = new LinkedHashMap<>();
  private final BreakGlassSettings settings;
  private final GrantStore store;
  private final BreakGlassAudit audit;
  private final Supplier<CompiledPolicy> policy;
  private final GrantUse use;
  private final Clock clock;

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
  }

  /** Loads the store; an unreadable store is an error, never an empty start. */
  public static BreakGlassService open(
      BreakGlassSettings settings,
      GrantStore store,
      AuditJournal journal,
      Supplier<CompiledPolicy> policy,
      GitHubAppClient app,
      GitHubInstallationCalls calls,
      Clock clock)
      throws GrantStoreException {
    BreakGlassService s =
        new BreakGlassService(settings, store, journal, policy, app, calls, clock);
    for (Grant g : store.load()) {
      s.grants.put(g.id(), g);
    }
    return s;
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
    synchronized (lock) {
      return commit("request", "requested", h, null, g, meta);
    }
  }

  public BreakGlassOutcome approve(Human h, String id, RequestMeta meta) {
    if (!h.verifiedHuman()) {
      return audit.notHuman("approve", h, meta);
    }
    synchronized (lock) {
      Grant g = grants.get(id);
      BreakGlassOutcome.Refused r = pendingOrRefusal("approve", h, id, g, meta);
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
    }
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
    synchronized (lock) {
      Grant g = grants.get(id);
      BreakGlassOutcome.Refused r = pendingOrRefusal("deny", h, id, g, meta);
      if (r != null) {
        return r;
      }
      // The requester may deny (withdraw) their own request: that only removes power.
      return commit("deny", "denied", h, g, g.denied(h, clock.instant(), reason.strip()), meta);
    }
  }

  /** Uses an approved grant of one's own, once. See {@link GrantUse}. */
  public BreakGlassOutcome use(Human h, String id, RequestMeta meta) {
    if (!h.verifiedHuman()) {
      return audit.notHuman("use", h, meta);
    }
    Grant claimed;
    synchronized (lock) {
      Grant g = grants.get(id);
      if (g == null) {
        return audit.refuseUnknownGrant("use", h, id, meta, NOT_FOUND);
      }
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
      claimed = g.claimed(clock.instant());
      BreakGlassOutcome claim = commit("use", "claimed", h, g, claimed, meta);
      if (!(claim instanceof BreakGlassOutcome.Done)) {
        return claim;
      }
    }
    return use.perform(h, claimed, meta);
  }

  /** Open requests and grants (pending, approved), newest first. */
  public List<Grant> open() {
    expireDue();
    return sorted(true);
  }

  /** Decided grants (used, denied, expired), newest first. */
  public List<Grant> history() {
    expireDue();
    return sorted(false);
  }

  /** Expires every open grant past its deadline; returns how many were expired. */
  public int expireDue() {
    int n = 0;
    synchronized (lock) {
      Instant now = clock.instant();
      for (Grant g : new ArrayList<>(grants.values())) {
        if (g.dueToExpire(now) && expireLocked(g)) {
          n++;
        }
      }
    }
    return n;
  }

  /** Replaces a grant after the claim (result, reopen); called by {@link GrantUse}. */
  void update(Grant expectedCurrent, Grant next) {
    synchronized (lock) {
      if (grants.get(next.id()) != expectedCurrent) {
        return;
      }
      grants.put(next.id(), next);
      try {
        persistLocked();
      } catch (IOException e) {
        // The journal already holds the result; the store catches up at the next change.
        BreakGlassAudit.log("use", Outcomes.ERROR, "store_write_failed", null, next.id());
      }
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

  private BreakGlassOutcome.Refused pendingOrRefusal(
      String step, Human h, String id, Grant g, RequestMeta meta) {
    if (g == null) {
      return audit.refuseUnknownGrant(step, h, id, meta, NOT_FOUND);
    }
    return stateRefusal(step, h, g, meta, GrantState.PENDING);
  }

  /** Null when {@code g} is in {@code wanted} and not past its deadline; else the refusal. */
  private BreakGlassOutcome.Refused stateRefusal(
      String step, Human h, Grant g, RequestMeta meta, GrantState wanted) {
    if (g.dueToExpire(clock.instant())) {
      expireLocked(g);
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

  /** Journal first, then change and persist; either failure leaves the state untouched. */
  private BreakGlassOutcome commit(
      String step, String reason, Human h, Grant before, Grant after, RequestMeta meta) {
    try {
      audit.append(audit.event(step, Outcomes.ALLOWED, reason, h, after, meta));
    } catch (AuditUnavailableException e) {
      return BreakGlassAudit.unavailable(step, h, after.id(), e);
    }
    grants.put(after.id(), after);
    try {
      persistLocked();
    } catch (IOException e) {
      if (before == null) {
        grants.remove(after.id());
      } else {
        grants.put(before.id(), before);
      }
      BreakGlassAudit.log(step, Outcomes.ERROR, "store_write_failed", h, after.id());
      return BreakGlassOutcome.Refused.of(
          ErrorCode.INTERNAL, "store_unavailable", "the grant store cannot be written");
    }
    BreakGlassAudit.log(step, Outcomes.ALLOWED, reason, h, after.id());
    return new BreakGlassOutcome.Done(after);
  }

  private boolean expireLocked(Grant g) {
    Grant after = g.expired();
    String reason =
        g.state() == GrantState.PENDING ? "approval_window_elapsed" : "use_window_elapsed";
    try {
      audit.append(audit.event("expire", Outcomes.DENIED, reason, null, after, null));
    } catch (AuditUnavailableException e) {
      // Left open; every step still checks the deadline itself, so it stays unusable.
      return false;
    }
    grants.put(after.id(), after);
    try {
      persistLocked();
    } catch (IOException e) {
      BreakGlassAudit.log("expire", Outcomes.ERROR, "store_write_failed", null, g.id());
    }
    BreakGlassAudit.log("expire", Outcomes.DENIED, reason, null, g.id());
    return true;
  }

  private BreakGlassOutcome.Refused refuse(
      String step, Human h, Grant g, RequestMeta meta, ErrorCode code, String reason, String d) {
    return audit.refuse(step, h, g, meta, BreakGlassOutcome.Refused.of(code, reason, d));
  }

  private static boolean hasControl(String s) {
    return s.chars().anyMatch(c -> (c < ' ' && c != '\n') || c == 0x7f);
  }

  private void persistLocked() throws IOException {
    // Keep every open grant and the newest decided ones; the journal keeps everything.
    List<Grant> decided =
        grants.values().stream()
            .filter(g -> !g.state().open())
            .sorted(Comparator.comparing(Grant::requestedAt).reversed())
            .toList();
    for (int i = settings.historyLimit(); i < decided.size(); i++) {
      grants.remove(decided.get(i).id());
    }
    store.save(new ArrayList<>(grants.values()));
  }

  private List<Grant> sorted(boolean open) {
    synchronized (lock) {
      return grants.values().stream()
          .filter(g -> g.state().open() == open)
          .sorted(Comparator.comparing(Grant::requestedAt).reversed())
          .toList();
    }
  }
}
