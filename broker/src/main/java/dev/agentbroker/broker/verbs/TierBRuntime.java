package dev.agentbroker.broker.verbs;

import dev.agentbroker.broker.config.BrokerConfig;
import dev.agentbroker.broker.internal.BrokerRuntime;
import dev.agentbroker.broker.ratelimit.RateLimits;
import dev.agentbroker.tiera.github.GitHubInstallationCalls;
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
  @Inject BrokerRuntime runtime;
  @Inject Clock clock;
  @Inject RateLimits rateLimits;
  @Inject BrokerConfig config;

  private VerbService verbs;

  @PostConstruct
  void start() {
    verbs =
        VerbService.create(
            runtime.policy()::current,
            rateLimits.tierB(),
            rateLimits.idempotencyStore(config.verbs().idempotencyTtl()),
            runtime.journal(),
            runtime.github(),
            new GitHubInstallationCalls(runtime.githubSettings(), clock),
            clock);
  }

  public VerbService verbs() {
    return verbs;
  }
}
