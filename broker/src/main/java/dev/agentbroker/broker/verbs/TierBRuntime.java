package dev.agentbroker.broker.verbs;

import dev.agentbroker.broker.internal.BrokerRuntime;
import dev.agentbroker.broker.ratelimit.RateLimits;
import dev.agentbroker.tiera.github.GitHubInstallationCalls;
import dev.agentbroker.tierb.IdempotencyStore;
import dev.agentbroker.tierb.VerbService;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;

/**
 * Builds Tier B from the running Tier A parts: the same policy, journal and GitHub App, the
 * configured GCRA limiter ({@code broker.ratelimit.store}: memory or Redis shared by replicas; it
 * also spends the App-wide GitHub budget) and a one-day idempotency memory.
 */
@Startup
@ApplicationScoped
public class TierBRuntime {
  @Inject BrokerRuntime runtime;
  @Inject Clock clock;
  @Inject RateLimits rateLimits;

  private VerbService verbs;

  @PostConstruct
  void start() {
    verbs =
        VerbService.create(
            runtime.policy()::current,
            rateLimits.tierB(),
            new IdempotencyStore(clock, Duration.ofHours(24)),
            runtime.journal(),
            runtime.github(),
            new GitHubInstallationCalls(runtime.githubSettings(), clock),
            clock);
  }

  public VerbService verbs() {
    return verbs;
  }
}
