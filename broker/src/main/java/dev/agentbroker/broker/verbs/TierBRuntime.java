package dev.agentbroker.broker.verbs;

import dev.agentbroker.audit.AuditJournal;
import dev.agentbroker.broker.config.BrokerConfig;
import dev.agentbroker.broker.ratelimit.RateLimits;
import dev.agentbroker.broker.ratelimit.RedisIdempotencyStore;
import dev.agentbroker.broker.state.SharedState;
import dev.agentbroker.policy.PolicyStore;
import dev.agentbroker.tiera.github.GitHubAppClient;
import dev.agentbroker.tiera.github.GitHubInstallationCalls;
import dev.agentbroker.tiera.github.GitHubSettings;
import dev.agentbroker.tierb.IdempotencyStore;
import dev.agentbroker.tierb.VerbService;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;

/**
 * Builds Tier B from the running Tier A parts: the same policy, journal and GitHub App, the
 * configured GCRA limiter ({@code broker.ratelimit.store}: memory or Redis shared by replicas; it
 * also spends the App-wide GitHub budget) and the idempotency records (same store, {@code
 * broker.verbs.idempotency-ttl}).
 */
@Startup
@ApplicationScoped
public class TierBRuntime {
  @Inject PolicyStore policy;
  @Inject AuditJournal journal;
  @Inject GitHubAppClient github;
  @Inject GitHubSettings githubSettings;
  @Inject Clock clock;
  @Inject RateLimits rateLimits;
  @Inject BrokerConfig config;
  @Inject SharedState state;

  private VerbService verbs;

  @PostConstruct
  void start() {
    verbs =
        VerbService.create(
            policy::current,
            rateLimits.tierB(),
            idempotency(),
            journal,
            github,
            new GitHubInstallationCalls(githubSettings, clock),
            clock);
  }

  /**
   * With shared state the records go through its Redis client (same Redis, same {@code
   * <ratelimit-prefix>idem:} keys), so a replica holds one client, not two; otherwise the rate
   * limiter's store decides (its Redis, or memory).
   */
  private IdempotencyStore idempotency() {
    if (state.shared()) {
      return new RedisIdempotencyStore(
          r -> state.redis().send(r),
          rateLimits.settings().keyPrefix(),
          config.verbs().idempotencyTtl());
    }
    return rateLimits.idempotencyStore(config.verbs().idempotencyTtl());
  }

  public VerbService verbs() {
    return verbs;
  }
}
