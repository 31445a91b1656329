package dev.agentbroker.tiera.internal;

import dev.agentbroker.audit.AuditEvent;
import dev.agentbroker.policy.Caller;
import dev.agentbroker.policy.Decision;
import dev.agentbroker.policy.Scope;
import dev.agentbroker.policy.TokenRequest;
import dev.agentbroker.request.DecisionLog;
import dev.agentbroker.request.RequestMeta;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The journal event and the decision line of one mint step, built from the same facts so the two
 * never disagree. One instance per mint: it holds what every step of that mint shares.
 */
public final class MintRecords {
  public static final String ACTION_MINT = "token.mint";

  private final Caller caller;
  private final RequestMeta meta;
  private final Instant started;
  private final Clock clock;

  public MintRecords(Caller caller, RequestMeta meta, Instant started, Clock clock) {
    this.caller = caller;
    this.meta = meta;
    this.started = started;
    this.clock = clock;
  }

  /** What a decision was about, as audit events and log lines show it. */
  public record Target(String owner, List<String> repositories, Map<String, String> permissions) {
    public static Target of(Scope s) {
      return new Target(s.owner(), names(s.repositories(), s.repositoryIds()), s.permissions());
    }

    /** The scope when there is one; otherwise the request as asked (a denial may be too broad). */
    public static Target of(Decision decision, TokenRequest request) {
      return decision
          .scope()
          .map(Target::of)
          .orElseGet(
              () ->
                  new Target(
                      request.owner(),
                      names(request.repositories(), request.repositoryIds()),
                      request.permissions()));
    }
  }

  /** A {@code token.mint} event for this step (the caller adds phase, hashes and ids). */
  public AuditEvent.Builder event(
      Decision decision, String outcome, String reason, String ruleId, Target target) {
    return AuditEvent.builder(ACTION_MINT, outcome)
        .time(clock.instant())
        .reason(reason)
        .ruleId(ruleId)
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

  /** The canonical decision line for this step. */
  public DecisionLog line(
      Decision decision, String outcome, String reason, String ruleId, Target target) {
    DecisionLog line =
        DecisionLog.of(ACTION_MINT, outcome, reason, ruleId)
            .with(DecisionLog.IDENTITY, decision.identityId())
            .with(DecisionLog.ISSUER, caller.issuer())
            .with(DecisionLog.SUBJECT, caller.subject());
    if (target != null) {
      line.with(DecisionLog.OWNER, target.owner())
          .with(DecisionLog.REPOSITORIES, String.join(",", target.repositories()))
          .with(DecisionLog.PERMISSIONS, target.permissions().toString());
    }
    return line.with(DecisionLog.REQUEST_ID, meta.requestId())
        .with(DecisionLog.CLIENT_IP, meta.clientIp())
        .with(DecisionLog.LATENCY_MS, Duration.between(started, clock.instant()).toMillis());
  }

  /** Names and ids together (ids as {@code id:N}), as audit and lease records show them. */
  public static List<String> names(List<String> names, List<Long> ids) {
    List<String> out = new ArrayList<>(names.size() + ids.size());
    out.addAll(names);
    ids.forEach(id -> out.add("id:" + id));
    return out;
  }
}
