package dev.agentbroker.broker.verbs;

import dev.agentbroker.broker.internal.BrokerRuntime;
import dev.agentbroker.tiera.github.GitHubInstallationCalls;
import dev.agentbroker.tierb.IdempotencyStore;
import dev.agentbroker.tierb.InMemoryRateLimiter;
import dev.agentbroker.tierb.VerbService;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;

/**
 * Builds Tier B from the running Tier A parts: the same policy, journal and GitHub App, an
 * in-memory GCRA limiter (single replica) and a one-day idempotency memory.
 */
@Startup
@ApplicationScoped
public class TierBRuntime {
  @Inject BrokerRuntime runtime;
  @Inject Clock clock;

  private VerbService verbs;

  @PostConstruct
  void start() {
    verbs =
        VerbService.create(
            runtime.policy()::current,
            new InMemoryRateLimiter(clock),
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
