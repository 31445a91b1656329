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
import dev.agentbroker.tiera.github.GitHubAppClient;
import dev.agentbroker.tiera.github.GitHubException;
import dev.agentbroker.tiera.github.InstallationToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Tier A's use case. For a mint the order is fixed: policy → journal the decision (a denial ends
 * here) → look up the installation → mint exactly the policy's scope → journal the issuance with
 * the token's SHA-256 → register the lease → hand out the token. If the journal cannot take the
 * issuance, the fresh token is revoked and never returned: no unrecorded token leaves the broker.
 *
 * <p>A policy denial writes one {@code token.mint} event ({@code details.phase} {@code decision}).
 * An allowed mint writes two, {@code intent} then {@code issued} (or {@code failed} when GitHub or
 * the lease registry refuses after the intent), sharing {@code details.mint_id}. Splunk counts
 * issuances, not intents, and an intent whose mint_id has no issuance is its own signal (crash,
 * GitHub failure, journal failure at issuance): see docs/splunk. The issuance carries {@code
 * token_sha256} and GitHub's {@code hashed_token}, so it joins with GitHub's audit log.
 */
public final class TokenService {
  public static final String ACTION_MINT = "token.mint";
  public static final String ACTION_REVOKE = "token.revoke";

  /** {@code details} keys of mint events: which step, and which mint the steps belong to. */
  public static final String PHASE = "phase";

  public static final String MINT_ID = "mint_id";

  private final Supplier<CompiledPolicy> policy;
  private final GitHubAppClient github;
  private final AuditJournal journal;
  private final LeaseRegistry leases;
  private final Clock clock;

  public TokenService(
      Supplier<CompiledPolicy> policy,
      GitHubAppClient github,
      AuditJournal journal,
      LeaseRegistry leases,
      Clock clock) {
    this.policy = policy;
    this.github = github;
    this.journal = journal;
    this.leases = leases;
    this.clock = clock;
  }

  /** The policy decision alone: nothing is minted, journaled or changed. */
  public Decision explain(Caller caller, TokenRequest request) {
    return policy.get().evaluate(caller, request);
  }

  public MintResult mint(Caller caller, TokenRequest request, RequestMeta meta) {
    Instant started = clock.instant();
    Decision decision = policy.get().evaluate(caller, request);
    if (!decision.allowed()) {
      MintResult.Refused refused =
          new MintResult.Refused(
              ErrorCode.POLICY_DENIED,
              decision.reason(),
              "the policy does not allow this request",
              Optional.of(decision),
              Optional.empty());
      return journalRefusal(
          caller,
          request,
          meta,
          started,
          decision,
          refused,
          Outcomes.DENIED,
          Map.of(PHASE, "decision"));
    }
    Scope scope = decision.scope().orElseThrow();
    String mintId = UUID.randomUUID().toString();
    Map<String, String> failed = Map.of(PHASE, "failed", MINT_ID, mintId);
    try {
      journal.append(
          event(
                  caller,
                  meta,
                  started,
                  decision,
                  Outcomes.ALLOWED,
                  decision.reason(),
                  Target.of(scope))
              .details(Map.of(PHASE, "intent", MINT_ID, mintId))
              .build());
    } catch (AuditUnavailableException e) {
      return auditUnavailable(caller, meta, decision, e);
    }
    if (!leases.hasRoom()) {
      return journalRefusal(
          caller,
          request,
          meta,
          started,
          decision,
          new MintResult.Refused(
              ErrorCode.UPSTREAM_UNAVAILABLE,
              "lease_registry_full",
              "the broker is at its outstanding-token limit",
              Optional.of(decision),
              Optional.of(Duration.ofSeconds(30))),
          Outcomes.ERROR,
          failed);
    }
    InstallationToken token;
    try {
      long installationId = github.installationId(scope.owner());
      token = github.mint(installationId, scope);
    } catch (GitHubException e) {
      MintResult.Refused refused = GitHubErrors.toRefusal(e, decision);
      String outcome =
          refused.code() == ErrorCode.GITHUB_REJECTED ? Outcomes.DENIED : Outcomes.ERROR;
      return journalRefusal(caller, request, meta, started, decision, refused, outcome, failed);
    }
    String sha = TokenHashes.sha256Hex(token.token());
    Lease lease =
        new Lease(
            leases.newLeaseId(),
            decision.identityId(),
            caller.issuer(),
            caller.subject(),
            scope.owner(),
            Target.of(scope).repositories(),
            sha,
            token.expiresAt(),
            token.token());
    try {
      journal.append(
          event(
                  caller,
                  meta,
                  started,
                  decision,
                  Outcomes.ALLOWED,
                  decision.reason(),
                  Target.of(scope))
              .tokenSha256(sha)
              .leaseId(lease.leaseId())
              .expiresAt(token.expiresAt())
              .details(Map.of(PHASE, "issued", MINT_ID, mintId))
              .build());
    } catch (AuditUnavailableException e) {
      revokeQuietly(token.token());
      return auditUnavailable(caller, meta, decision, e);
    }
    leases.put(lease);
    log(caller, meta, started, decision, Outcomes.ALLOWED, decision.reason(), Target.of(scope))
        .with(DecisionLog.TOKEN_SHA256, sha)
        .with(DecisionLog.LEASE, lease.leaseId())
        .emit();
    return new MintResult.Issued(lease, token, decision);
  }

  /**
   * Revokes a lease early. Only the identity that minted it may revoke it; any other caller gets
   * the same answer as for an unknown lease, so lease ids cannot be probed.
   */
  public RevokeResult revoke(String identityId, String leaseId, RequestMeta meta) {
    Instant started = clock.instant();
    Optional<Lease> found = leases.get(leaseId);
    if (found.isEmpty() || !found.get().identityId().equals(identityId)) {
      DecisionLog.of(ACTION_REVOKE, Outcomes.DENIED, "lease_not_found")
          .with(DecisionLog.IDENTITY, identityId)
          .with(DecisionLog.LEASE, leaseId)
          .with(DecisionLog.REQUEST_ID, meta.requestId())
          .emit();
      return new RevokeResult.Refused(ErrorCode.NOT_FOUND, "lease_not_found");
    }
    Lease lease = found.get();
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
      return new RevokeResult.Refused(ErrorCode.AUDIT_UNAVAILABLE, "audit_" + reasonOf(e));
    }
    try {
      github.revoke(lease.token());
    } catch (GitHubException e) {
      DecisionLog.of(ACTION_REVOKE, Outcomes.ERROR, "github_" + e.kind().name().toLowerCase())
          .with(DecisionLog.LEASE, leaseId)
          .with(DecisionLog.DETAIL, e.getMessage())
          .emit();
      return new RevokeResult.Refused(
          e.kind() == GitHubException.Kind.UNAVAILABLE
              ? ErrorCode.UPSTREAM_UNAVAILABLE
              : ErrorCode.UPSTREAM_ERROR,
          "github_" + e.kind().name().toLowerCase());
    }
    leases.remove(lease);
    DecisionLog.of(ACTION_REVOKE, Outcomes.ALLOWED, "revoked_by_caller")
        .with(DecisionLog.IDENTITY, identityId)
        .with(DecisionLog.TOKEN_SHA256, lease.tokenSha256())
        .with(DecisionLog.LEASE, leaseId)
        .with(DecisionLog.REQUEST_ID, meta.requestId())
        .with(DecisionLog.LATENCY_MS, Duration.between(started, clock.instant()).toMillis())
        .emit();
    return new RevokeResult.Revoked(leaseId);
  }

  private MintResult journalRefusal(
      Caller caller,
      TokenRequest request,
      RequestMeta meta,
      Instant started,
      Decision decision,
      MintResult.Refused refused,
      String outcome,
      Map<String, String> details) {
    // A denied request may be too broad or malformed to be a Scope; record it as asked.
    Target shown =
        decision
            .scope()
            .map(Target::of)
            .orElseGet(
                () ->
                    new Target(
                        request.owner(),
                        names(request.repositories(), request.repositoryIds()),
                        request.permissions()));
    try {
      journal.append(
          event(caller, meta, started, decision, outcome, refused.reason(), shown)
              .details(details)
              .build());
    } catch (AuditUnavailableException e) {
      // The caller is refused either way; say why honestly so operators see the journal problem.
      return auditUnavailable(caller, meta, decision, e);
    }
    log(caller, meta, started, decision, outcome, refused.reason(), shown)
        .with(DecisionLog.DETAIL, refused.detail())
        .emit();
    return refused;
  }

  private MintResult auditUnavailable(
      Caller caller, RequestMeta meta, Decision decision, AuditUnavailableException e) {
    String reason = "audit_" + reasonOf(e);
    DecisionLog.of(ACTION_MINT, Outcomes.ERROR, reason, decision.ruleId())
        .with(DecisionLog.IDENTITY, decision.identityId())
        .with(DecisionLog.ISSUER, caller.issuer())
        .with(DecisionLog.SUBJECT, caller.subject())
        .with(DecisionLog.REQUEST_ID, meta.requestId())
        .emit();
    return new MintResult.Refused(
        ErrorCode.AUDIT_UNAVAILABLE,
        reason,
        "the audit journal cannot record this decision; nothing was issued",
        Optional.of(decision),
        Optional.of(Duration.ofSeconds(5)));
  }

  private void revokeQuietly(String token) {
    try {
      github.revoke(token);
    } catch (GitHubException e) {
      DecisionLog.of(ACTION_REVOKE, Outcomes.ERROR, "unjournaled_token_revoke_failed")
          .with(DecisionLog.DETAIL, e.getMessage())
          .emit();
    }
  }

  private AuditEvent.Builder event(
      Caller caller,
      RequestMeta meta,
      Instant started,
      Decision decision,
      String outcome,
      String reason,
      Target target) {
    return AuditEvent.builder(ACTION_MINT, outcome)
        .time(clock.instant())
        .reason(reason)
        .ruleId(decision.ruleId())
        .issuer(caller.issuer())
        .subject(caller.subject())
        .identityId(decision.identityId())
        .profile(decision.profile() == null ? null : decision.profile().wireName())
        .owner(target.owner())
        .repositories(target.repositories())
        .permissions(target.permissions())
        .requestId(meta.requestId())
        .clientIp(meta.clientIp())
        .latencyMs(Duration.between(started, clock.instant()).toMillis());
  }

  private DecisionLog log(
      Caller caller,
      RequestMeta meta,
      Instant started,
      Decision decision,
      String outcome,
      String reason,
      Target target) {
    return DecisionLog.of(ACTION_MINT, outcome, reason, decision.ruleId())
        .with(DecisionLog.IDENTITY, decision.identityId())
        .with(DecisionLog.ISSUER, caller.issuer())
        .with(DecisionLog.SUBJECT, caller.subject())
        .with(DecisionLog.OWNER, target.owner())
        .with(DecisionLog.REPOSITORIES, String.join(",", target.repositories()))
        .with(DecisionLog.PERMISSIONS, target.permissions().toString())
        .with(DecisionLog.REQUEST_ID, meta.requestId())
        .with(DecisionLog.CLIENT_IP, meta.clientIp())
        .with(DecisionLog.LATENCY_MS, Duration.between(started, clock.instant()).toMillis());
  }

  private static String reasonOf(AuditUnavailableException e) {
    return e.reason().name().toLowerCase();
  }

  /** What a decision was about, as audit events and log lines show it. */
  private record Target(String owner, List<String> repositories, Map<String, String> permissions) {
    static Target of(Scope s) {
      return new Target(s.owner(), names(s.repositories(), s.repositoryIds()), s.permissions());
    }
  }

  /** Names and ids together (ids as {@code id:N}), as audit and lease records show them. */
  private static List<String> names(List<String> names, List<Long> ids) {
    List<String> out = new ArrayList<>(names);
    ids.forEach(id -> out.add("id:" + id));
    return out;
  }
}
