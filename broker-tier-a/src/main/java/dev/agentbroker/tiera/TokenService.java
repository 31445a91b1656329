package dev.agentbroker.tiera;

import dev.agentbroker.audit.AuditEvent;
import dev.agentbroker.audit.AuditJournal;
import dev.agentbroker.audit.AuditUnavailableException;
import dev.agentbroker.audit.Outcomes;
import dev.agentbroker.audit.TokenHashes;
import dev.agentbroker.policy.Caller;
import dev.agentbroker.policy.CompiledPolicy;
import dev.agentbroker.policy.Decision;
import dev.agentbroker.policy.Scope;
import dev.agentbroker.policy.TokenRequest;
import dev.agentbroker.request.DecisionLog;
import dev.agentbroker.request.ErrorCode;
import dev.agentbroker.request.RequestMeta;
import dev.agentbroker.request.admission.Admission;
import dev.agentbroker.request.admission.MintAdmission;
import dev.agentbroker.tiera.github.GitHubAppClient;
import dev.agentbroker.tiera.github.GitHubException;
import dev.agentbroker.tiera.github.InstallationToken;
import dev.agentbroker.tiera.internal.MintRecords;
import dev.agentbroker.tiera.internal.MintRecords.Target;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Tier A's use case: it owns the whole mint decision. For a mint the order is fixed:
 *
 * <ol>
 *   <li>(caller already authenticated) one policy evaluation: the decision that is enforced,
 *       journaled and logged;
 *   <li>admission ({@link MintAdmission}): the identity's rate limit and, for an allowed request,
 *       the App-wide GitHub budget — a refusal is journaled and answered like any other decision;
 *   <li>a policy denial is journaled (waiting for its fsync) and ends here;
 *   <li>the intent is queued to the journal <em>without waiting</em> for its fsync;
 *   <li>the lease store has room (a full or unreachable store refuses here, before GitHub);
 *   <li>look up the installation, mint exactly the policy's scope;
 *   <li>register the lease in the {@link LeaseStore}: a token that cannot be stored cannot be
 *       revoked early, so it is revoked at once, the failure journaled, and the caller answered
 *       {@code 503 state_unavailable};
 *   <li>journal the issuance with the token's SHA-256 and <em>wait</em>: the journal writes in
 *       order, so when this returns the intent is durable too (or reported lost, see below);
 *   <li>hand out the token.
 * </ol>
 *
 * One fsync wait per mint on the critical path ({@code docs/adr/0016-one-journal-wait-per-mint.md}
 * says what a crash at each step leaves behind). If the journal cannot take the issuance, the fresh
 * token is revoked, its lease dropped, and never returned: no unrecorded token leaves the broker.
 * If the intent is reported failed before GitHub is called, nothing is minted ({@code
 * audit_unavailable}); if it fails later, the issuance record (which carries the whole decision) is
 * the durable record and says {@code details.intent=lost}. The lease is stored before the issuance
 * is journaled so that an {@code issued} record always names a revocable lease.
 *
 * <p>A denial (policy or rate limit) writes one {@code token.mint} event ({@code details.phase}
 * {@code decision}). An allowed mint writes two, {@code intent} then {@code issued} (or {@code
 * failed} when GitHub or the lease store refuses after the intent), sharing {@code
 * details.mint_id}. Splunk counts issuances, not intents, and an intent whose mint_id has no
 * issuance is its own signal (crash, GitHub failure, journal failure at issuance): see docs/splunk.
 * The issuance carries {@code token_sha256} and GitHub's {@code hashed_token}, so it joins with
 * GitHub's audit log.
 */
public final class TokenService {
  public static final String ACTION_MINT = MintRecords.ACTION_MINT;
  public static final String ACTION_REVOKE = "token.revoke";

  /** {@code details} keys of mint events: which step, and which mint the steps belong to. */
  public static final String PHASE = "phase";

  public static final String MINT_ID = "mint_id";

  /** Reason (and error code) when the {@link LeaseStore} cannot answer. */
  public static final String STATE_UNAVAILABLE = "state_unavailable";

  private final Supplier<CompiledPolicy> policy;
  private final GitHubAppClient github;
  private final AuditJournal journal;
  private final LeaseStore leases;
  private final MintAdmission admission;
  private final Clock clock;
  private final Revocation revocation;

  public TokenService(
      Supplier<CompiledPolicy> policy,
      GitHubAppClient github,
      AuditJournal journal,
      LeaseStore leases,
      MintAdmission admission,
      Clock clock) {
    this.policy = policy;
    this.github = github;
    this.journal = journal;
    this.leases = leases;
    this.admission = admission;
    this.clock = clock;
    this.revocation = new Revocation(github, journal, leases, clock);
  }

  /** The policy decision alone: nothing is minted, journaled, counted or changed. */
  public Decision explain(Caller caller, TokenRequest request) {
    return policy.get().evaluate(caller, request);
  }

  public MintResult mint(Caller caller, TokenRequest request, RequestMeta meta) {
    MintRecords records = new MintRecords(caller, meta, clock.instant(), clock);
    Decision decision = policy.get().evaluate(caller, request);
    Target target = Target.of(decision, request);
    // An unidentified caller has no budget to spend; the policy denial below is journaled.
    Admission admitted =
        decision.identityId() == null
            ? Admission.UNCOUNTED
            : admission.admit(decision.identityId(), decision.allowed());
    Map<String, String> headers = admitted.headers();
    Map<String, String> asDecision = Map.of(PHASE, "decision");
    if (!admitted.admitted()) {
      boolean limited = admitted.result() == Admission.Result.LIMITED;
      MintResult.Refused refused =
          new MintResult.Refused(
              limited ? ErrorCode.RATE_LIMITED : ErrorCode.RATE_LIMITER_UNAVAILABLE,
              admitted.reason(),
              limited
                  ? "rate limit reached; retry after the Retry-After delay"
                  : "the rate limiter is unavailable; nothing was issued",
              Optional.of(decision),
              Optional.of(admitted.retryAfter()),
              headers);
      String outcome = limited ? Outcomes.DENIED : Outcomes.ERROR;
      return journalRefusal(
          records, decision, admitted.ruleId(), refused, outcome, target, asDecision);
    }
    if (!decision.allowed()) {
      MintResult.Refused refused =
          new MintResult.Refused(
              ErrorCode.POLICY_DENIED,
              decision.reason(),
              "the policy does not allow this request",
              Optional.of(decision),
              Optional.empty(),
              headers);
      return journalRefusal(
          records, decision, decision.ruleId(), refused, Outcomes.DENIED, target, asDecision);
    }
    Scope scope = decision.scope().orElseThrow();
    String mintId = UUID.randomUUID().toString();
    Map<String, String> failed = Map.of(PHASE, "failed", MINT_ID, mintId);
    AtomicReference<AuditUnavailableException> intentLost = new AtomicReference<>();
    AuditEvent intent =
        records
            .event(decision, Outcomes.ALLOWED, decision.reason(), decision.ruleId(), target)
            .details(Map.of(PHASE, "intent", MINT_ID, mintId))
            .build();
    if (journal.healthy()) {
      // Queued, not awaited: the issuance's fsync below covers it (the journal writes in order).
      journal.appendAsync(intent, (ok, failure) -> intentLost.compareAndSet(null, failure));
    } else {
      // The last write failed: wait for this one, so an outage does not turn every mint into a
      // GitHub call whose token must then be revoked (journal first, as ADR 0003 had it).
      try {
        journal.append(intent);
      } catch (AuditUnavailableException e) {
        return auditUnavailable(records, decision, e, headers);
      }
    }
    boolean room;
    try {
      room = leases.hasRoom();
    } catch (LeaseStoreUnavailableException e) {
      return journalRefusal(
          records,
          decision,
          decision.ruleId(),
          stateUnavailable(decision, headers),
          Outcomes.ERROR,
          target,
          failed);
    }
    if (!room) {
      return journalRefusal(
          records,
          decision,
          decision.ruleId(),
          new MintResult.Refused(
              ErrorCode.UPSTREAM_UNAVAILABLE,
              "lease_registry_full",
              "the broker is at its outstanding-token limit",
              Optional.of(decision),
              Optional.of(Duration.ofSeconds(30)),
              headers),
          Outcomes.ERROR,
          target,
          failed);
    }
    if (intentLost.get() != null) {
      // Refused up front (journal closed, wedged, backlog full) or already failed: no GitHub call.
      return auditUnavailable(records, decision, intentLost.get(), headers);
    }
    InstallationToken token;
    try {
      long installationId = github.installationId(scope.owner());
      token = github.mint(installationId, scope);
    } catch (GitHubException e) {
      MintResult.Refused refused = GitHubErrors.toRefusal(e, decision).withHeaders(headers);
      String outcome =
          refused.code() == ErrorCode.GITHUB_REJECTED ? Outcomes.DENIED : Outcomes.ERROR;
      return journalRefusal(records, decision, decision.ruleId(), refused, outcome, target, failed);
    }
    String sha = TokenHashes.sha256Hex(token.token());
    Lease lease =
        new Lease(
            leases.newLeaseId(),
            decision.identityId(),
            caller.issuer(),
            caller.subject(),
            scope.owner(),
            target.repositories(),
            sha,
            token.expiresAt(),
            token.token());
    try {
      leases.put(lease);
    } catch (LeaseStoreUnavailableException e) {
      return unstorable(records, decision, target, lease, failed, e, headers);
    }
    try {
      journal.append(
          records
              .event(decision, Outcomes.ALLOWED, decision.reason(), decision.ruleId(), target)
              .tokenSha256(sha)
              .leaseId(lease.leaseId())
              .expiresAt(token.expiresAt())
              .details(issuedDetails(mintId, intentLost.get()))
              .build());
    } catch (AuditUnavailableException e) {
      revokeQuietly(token.token());
      removeQuietly(lease);
      return auditUnavailable(records, decision, e, headers);
    }
    records
        .line(decision, Outcomes.ALLOWED, decision.reason(), decision.ruleId(), target)
        .with(DecisionLog.TOKEN_SHA256, sha)
        .with(DecisionLog.LEASE, lease.leaseId())
        .emit();
    return new MintResult.Issued(lease, token, decision, headers);
  }

  /**
   * {@code phase=issued}; and {@code intent=lost} when the intent was reported failed after GitHub
   * was called: this record, which carries the whole decision, is then the only durable one.
   */
  private static Map<String, String> issuedDetails(String mintId, AuditUnavailableException lost) {
    return lost == null
        ? Map.of(PHASE, "issued", MINT_ID, mintId)
        : Map.of(PHASE, "issued", MINT_ID, mintId, "intent", "lost");
  }

  /**
   * Revokes a lease early. Only the identity that minted it may revoke it; any other caller gets
   * the same answer as for an unknown lease, so lease ids cannot be probed. The steps (read, claim
   * by compare-and-remove, journal, revoke at GitHub) are {@link Revocation}'s.
   */
  public RevokeResult revoke(String identityId, String leaseId, RequestMeta meta) {
    return revocation.revoke(identityId, leaseId, meta);
  }

  /**
   * The lease of a token GitHub issued could not be stored, so the token could not be revoked
   * early: revoke it now, journal the failed mint with its hash (it joins GitHub's audit log) and
   * whether the revocation took, and refuse.
   */
  private MintResult unstorable(
      MintRecords records,
      Decision decision,
      Target target,
      Lease lease,
      Map<String, String> failed,
      LeaseStoreUnavailableException cause,
      Map<String, String> headers) {
    boolean revoked = revokeQuietly(lease.token());
    MintResult.Refused refused = stateUnavailable(decision, headers);
    Map<String, String> details = new HashMap<>(failed);
    details.put("token_revoked", Boolean.toString(revoked));
    try {
      journal.append(
          records
              .event(decision, Outcomes.ERROR, STATE_UNAVAILABLE, decision.ruleId(), target)
              .tokenSha256(lease.tokenSha256())
              .leaseId(lease.leaseId())
              .expiresAt(lease.expiresAt())
              .details(details)
              .build());
    } catch (AuditUnavailableException e) {
      return auditUnavailable(records, decision, e, headers);
    }
    records
        .line(decision, Outcomes.ERROR, STATE_UNAVAILABLE, decision.ruleId(), target)
        .with(DecisionLog.TOKEN_SHA256, lease.tokenSha256())
        .with(DecisionLog.LEASE, lease.leaseId())
        .with(DecisionLog.DETAIL, cause.getMessage() + "; token_revoked=" + revoked)
        .emit();
    return refused;
  }

  private static MintResult.Refused stateUnavailable(
      Decision decision, Map<String, String> headers) {
    return new MintResult.Refused(
        ErrorCode.STATE_UNAVAILABLE,
        STATE_UNAVAILABLE,
        "the lease store is unavailable; no token was handed out",
        Optional.of(decision),
        Optional.of(Duration.ofSeconds(5)),
        headers);
  }

  private MintResult journalRefusal(
      MintRecords records,
      Decision decision,
      String ruleId,
      MintResult.Refused refused,
      String outcome,
      Target target,
      Map<String, String> details) {
    try {
      journal.append(
          records
              .event(decision, outcome, refused.reason(), ruleId, target)
              .details(details)
              .build());
    } catch (AuditUnavailableException e) {
      // The caller is refused either way; say why honestly so operators see the journal problem.
      return auditUnavailable(records, decision, e, refused.headers());
    }
    records
        .line(decision, outcome, refused.reason(), ruleId, target)
        .with(DecisionLog.DETAIL, refused.detail())
        .emit();
    return refused;
  }

  private MintResult auditUnavailable(
      MintRecords records,
      Decision decision,
      AuditUnavailableException e,
      Map<String, String> headers) {
    String reason = "audit_" + reasonOf(e);
    records.line(decision, Outcomes.ERROR, reason, decision.ruleId(), null).emit();
    return new MintResult.Refused(
        ErrorCode.AUDIT_UNAVAILABLE,
        reason,
        "the audit journal cannot record this decision; nothing was issued",
        Optional.of(decision),
        Optional.of(Duration.ofSeconds(5)),
        headers);
  }

  /** Revokes a token that must not stay alive; true when GitHub confirmed it. */
  private boolean revokeQuietly(String token) {
    try {
      github.revoke(token);
      return true;
    } catch (GitHubException e) {
      DecisionLog.of(ACTION_REVOKE, Outcomes.ERROR, "unjournaled_token_revoke_failed")
          .with(DecisionLog.DETAIL, e.getMessage())
          .emit();
      return false;
    }
  }

  /** Drops the lease of a token just revoked; a store outage only leaves it to expire. */
  private void removeQuietly(Lease lease) {
    try {
      leases.remove(lease);
    } catch (LeaseStoreUnavailableException e) {
      // The token is revoked (or reported so above): a leftover lease only answers a later
      // revocation with GitHub's "already dead", which counts as revoked.
    }
  }

  private static String reasonOf(AuditUnavailableException e) {
    return e.reason().name().toLowerCase();
  }
}
