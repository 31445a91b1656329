package dev.agentbroker.tiera;

import dev.agentbroker.audit.AuditEvent;
import dev.agentbroker.audit.AuditJournal;
import dev.agentbroker.audit.AuditUnavailableException;
import dev.agentbroker.audit.Outcomes;
import dev.agentbroker.request.DecisionLog;
import dev.agentbroker.request.ErrorCode;
import dev.agentbroker.request.RequestMeta;
import dev.agentbroker.tiera.github.GitHubAppClient;
import dev.agentbroker.tiera.github.GitHubException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** {@link TokenService#revoke}'s steps, apart so the mint path stays readable. */
final class Revocation {
  private static final String ACTION_REVOKE = TokenService.ACTION_REVOKE;
  private static final String STATE_UNAVAILABLE = TokenService.STATE_UNAVAILABLE;

  private final GitHubAppClient github;
  private final AuditJournal journal;
  private final LeaseStore leases;
  private final Clock clock;

  Revocation(GitHubAppClient github, AuditJournal journal, LeaseStore leases, Clock clock) {
    this.github = github;
    this.journal = journal;
    this.leases = leases;
    this.clock = clock;
  }

  /**
   * Revokes a lease early. Only the identity that minted it may revoke it; any other caller gets
   * the same answer as for an unknown lease, so lease ids cannot be probed. The order: read the
   * lease; claim it (compare-and-remove, so of two replicas revoking one lease exactly one goes on
   * and the other answers 404); journal the revocation; revoke at GitHub. A claimed lease whose
   * revocation then fails (journal, GitHub) is put back so the caller can retry. A lease store that
   * cannot answer gives {@code 503 state_unavailable}, never 404: a 404 would tell the caller the
   * token is gone.
   */
  RevokeResult revoke(String identityId, String leaseId, RequestMeta meta) {
    Instant started = clock.instant();
    Optional<Lease> found;
    try {
      found = leases.get(leaseId);
    } catch (LeaseStoreUnavailableException e) {
      return revokeRefused(identityId, leaseId, meta, ErrorCode.STATE_UNAVAILABLE, e.getMessage());
    }
    if (found.isEmpty() || !found.get().identityId().equals(identityId)) {
      return revokeRefused(identityId, leaseId, meta, ErrorCode.NOT_FOUND, null);
    }
    Lease lease = found.get();
    try {
      if (!leases.remove(lease)) {
        // Another request (this replica or another) claimed it between our read and our claim.
        return revokeRefused(
            identityId, leaseId, meta, ErrorCode.NOT_FOUND, "claimed by a concurrent revocation");
      }
    } catch (LeaseStoreUnavailableException e) {
      return revokeRefused(identityId, leaseId, meta, ErrorCode.STATE_UNAVAILABLE, e.getMessage());
    }
    AuditEvent.Builder ev =
        AuditEvent.builder(ACTION_REVOKE, Outcomes.ALLOWED)
            .time(started)
            .reason("revoked_by_caller")
            .identityId(identityId)
            .issuer(lease.issuer())
            .subject(lease.subject())
            .owner(lease.owner())
            .repositories(lease.repositories())
            .tokenSha256(lease.tokenSha256())
            .leaseId(leaseId)
            .expiresAt(lease.expiresAt())
            .requestId(meta.requestId())
            .clientIp(meta.clientIp());
    try {
      journal.append(ev.build());
    } catch (AuditUnavailableException e) {
      String reason = "audit_" + reasonOf(e);
      DecisionLog.of(ACTION_REVOKE, Outcomes.ERROR, reason)
          .with(DecisionLog.IDENTITY, identityId)
          .with(DecisionLog.LEASE, leaseId)
          .with(DecisionLog.REQUEST_ID, meta.requestId())
          .with(DecisionLog.DETAIL, restore(lease))
          .emit();
      return new RevokeResult.Refused(ErrorCode.AUDIT_UNAVAILABLE, reason);
    }
    try {
      github.revoke(lease.token());
    } catch (GitHubException e) {
      String reason = "github_" + e.kind().name().toLowerCase();
      DecisionLog.of(ACTION_REVOKE, Outcomes.ERROR, reason)
          .with(DecisionLog.IDENTITY, identityId)
          .with(DecisionLog.LEASE, leaseId)
          .with(DecisionLog.REQUEST_ID, meta.requestId())
          .with(DecisionLog.DETAIL, e.getMessage() + "; " + restore(lease))
          .emit();
      return new RevokeResult.Refused(
          e.kind() == GitHubException.Kind.UNAVAILABLE
              ? ErrorCode.UPSTREAM_UNAVAILABLE
              : ErrorCode.UPSTREAM_ERROR,
          reason);
    }
    DecisionLog.of(ACTION_REVOKE, Outcomes.ALLOWED, "revoked_by_caller")
        .with(DecisionLog.IDENTITY, identityId)
        .with(DecisionLog.TOKEN_SHA256, lease.tokenSha256())
        .with(DecisionLog.LEASE, leaseId)
        .with(DecisionLog.REQUEST_ID, meta.requestId())
        .with(DecisionLog.LATENCY_MS, Duration.between(started, clock.instant()).toMillis())
        .emit();
    return new RevokeResult.Revoked(leaseId);
  }

  /** A refused revocation's one decision line: {@code lease_not_found} or the store outage. */
  private static RevokeResult revokeRefused(
      String identityId, String leaseId, RequestMeta meta, ErrorCode code, String detail) {
    boolean unavailable = code == ErrorCode.STATE_UNAVAILABLE;
    String reason = unavailable ? STATE_UNAVAILABLE : "lease_not_found";
    DecisionLog line =
        DecisionLog.of(ACTION_REVOKE, unavailable ? Outcomes.ERROR : Outcomes.DENIED, reason)
            .with(DecisionLog.IDENTITY, identityId)
            .with(DecisionLog.LEASE, leaseId)
            .with(DecisionLog.REQUEST_ID, meta.requestId());
    if (detail != null) {
      line.with(DecisionLog.DETAIL, detail);
    }
    line.emit();
    return new RevokeResult.Refused(code, reason);
  }

  /** Puts a claimed lease back after a failed revocation; says how that went, for the log. */
  private String restore(Lease lease) {
    try {
      leases.put(lease);
      return "lease kept for a retry";
    } catch (LeaseStoreUnavailableException e) {
      return "lease_restore_failed: " + e.getMessage();
    }
  }

  private static String reasonOf(AuditUnavailableException e) {
    return e.reason().name().toLowerCase();
  }
}
