package dev.agentbroker.broker.breakglass;

import dev.agentbroker.audit.AuditJournal;
import dev.agentbroker.broker.state.SharedState;
import dev.agentbroker.policy.PolicyStore;
import dev.agentbroker.tiera.github.GitHubAppClient;
import dev.agentbroker.tiera.github.GitHubInstallationCalls;
import dev.agentbroker.tiera.github.GitHubSettings;
import dev.agentbroker.tierb.breakglass.BreakGlassService;
import dev.agentbroker.tierb.breakglass.BreakGlassSettings;
import dev.agentbroker.tierb.breakglass.FileGrantStore;
import dev.agentbroker.tierb.breakglass.GrantStore;
import dev.agentbroker.tierb.breakglass.GrantStoreException;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import org.jboss.logging.Logger;

/**
 * Builds break-glass on the running broker: the same journal, policy and GitHub App as Tier A, and
 * the grant store: the file ({@code broker.breakglass.store-file}) for one replica, the shared
 * Redis with {@code broker.state.store=redis}. An unreadable store stops start-up: starting empty
 * could make a used grant look unused or lose pending approvals.
 */
@Startup
@ApplicationScoped
public class BreakGlassRuntime {
  private static final Logger LOG = Logger.getLogger(BreakGlassRuntime.class);

  @Inject PolicyStore policy;
  @Inject AuditJournal journal;
  @Inject GitHubAppClient github;
  @Inject GitHubSettings githubSettings;
  @Inject BreakGlassConfig config;
  @Inject Clock clock;
  @Inject SharedState state;

  private BreakGlassService service;

  @PostConstruct
  void start() {
    BreakGlassSettings settings;
    try {
      settings =
          new BreakGlassSettings(
              config.approvalWindow(), config.maxDuration(), config.historyLimit());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("broker.breakglass configuration invalid: " + e.getMessage());
    }
    GitHubInstallationCalls calls = new GitHubInstallationCalls(githubSettings, clock);
    GrantStore store;
    if (state.shared()) {
      // Shared by every replica; the file would be one replica's private copy, so it is not read.
      // Not read at start either: a brief Redis outage must not stop the broker (and Tier A) from
      // starting; every break-glass step reads Redis and refuses while it cannot answer.
      store = new RedisGrantStore(state.redis(), state.prefix(), config.historyLimit());
      LOG.infof(
          "break-glass store is redis (broker.state.store=redis): broker.breakglass.store-file"
              + " (%s) is not used",
          config.storeFile());
      service =
          BreakGlassService.create(settings, store, journal, policy::current, github, calls, clock);
    } else {
      store = new FileGrantStore(config.storeFile(), config.historyLimit());
      try {
        service =
            BreakGlassService.open(settings, store, journal, policy::current, github, calls, clock);
      } catch (GrantStoreException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    }
    LOG.infof(
        "break-glass ready: store=%s approval-window=%s max-duration=%s",
        store.describe(), config.approvalWindow(), config.maxDuration());
  }

  public BreakGlassService service() {
    return service;
  }

  @Scheduled(
      every = "${broker.breakglass.sweep-interval:30s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void sweep() {
    int n = service.expireDue();
    if (n > 0) {
      LOG.infof("break-glass: %d grant(s) expired", n);
    }
  }
}
