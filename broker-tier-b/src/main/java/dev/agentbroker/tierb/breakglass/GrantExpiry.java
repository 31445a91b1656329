package dev.agentbroker.tierb.breakglass;

import dev.agentbroker.audit.AuditUnavailableException;
import dev.agentbroker.audit.Outcomes;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Expiry of grants past their deadline, by the sweep and by a step that finds one. Journal first,
 * then a compare-and-set; a failure leaves the grant open, which is safe: every step checks the
 * deadline itself, so an expired-but-open grant is refused all the same.
 */
final class GrantExpiry {
  private final GrantStore store;
  private final BreakGlassAudit audit;
  private final Clock clock;

  GrantExpiry(GrantStore store, BreakGlassAudit audit, Clock clock) {
    this.store = store;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * Expires every open grant past its deadline; returns how many this call expired. Safe on every
   * replica at once: a grant whose lease another replica holds is skipped (that one expires it),
   * and a grant is re-read under its lease, so each expiry is journaled once.
   */
  int sweep() {
    int n = 0;
    try {
      Instant now = clock.instant();
      for (Grant listed : store.list()) {
        if (!listed.dueToExpire(now)) {
          continue;
        }
        try (GrantLease lease = GrantLease.tryNow(store, listed.id())) {
          if (lease == null) {
            continue;
          }
          Optional<Grant> g = store.get(listed.id());
          if (g.isPresent() && g.get().dueToExpire(clock.instant()) && expire(g.get())) {
            n++;
          }
        }
      }
    } catch (GrantStoreException e) {
      // Left open for the next sweep; every step still checks the deadline itself.
      BreakGlassAudit.log("expire", Outcomes.ERROR, "state_unavailable", null, null);
    }
    return n;
  }

  /** Journals and stores the expiry of {@code g}, held under its lease; false if it did not. */
  boolean expire(Grant g) {
    Grant after = g.expired();
    String reason =
        g.state() == GrantState.PENDING ? "approval_window_elapsed" : "use_window_elapsed";
    try {
      audit.append(audit.event("expire", Outcomes.DENIED, reason, null, after, null));
    } catch (AuditUnavailableException e) {
      // Left open; every step still checks the deadline itself, so it stays unusable.
      return false;
    }
    try {
      if (!store.replace(g, after)) {
        BreakGlassAudit.log("expire", Outcomes.ERROR, "state_conflict", null, g.id());
        return false;
      }
    } catch (GrantStoreException e) {
      BreakGlassAudit.log("expire", Outcomes.ERROR, "store_write_failed", null, g.id());
      return false;
    }
    BreakGlassAudit.log("expire", Outcomes.DENIED, reason, null, g.id());
    return true;
  }
}
