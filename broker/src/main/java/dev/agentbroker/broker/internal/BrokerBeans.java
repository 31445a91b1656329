package dev.agentbroker.broker.internal;

import dev.agentbroker.audit.FileJournal;
import dev.agentbroker.broker.auth.CallerAuthenticator;
import dev.agentbroker.broker.auth.IssuerSeparation;
import dev.agentbroker.broker.config.BrokerConfig;
import dev.agentbroker.broker.config.JournalIntegritySettings;
import dev.agentbroker.broker.config.StartupRefused;
import dev.agentbroker.broker.custody.KeyCustody;
import dev.agentbroker.broker.shipping.HecSettings;
import dev.agentbroker.broker.state.RedisLeaseStore;
import dev.agentbroker.broker.state.SharedState;
import dev.agentbroker.policy.PolicyException;
import dev.agentbroker.policy.PolicyStore;
import dev.agentbroker.request.admission.MintAdmission;
import dev.agentbroker.tiera.LeaseRegistry;
import dev.agentbroker.tiera.LeaseStore;
import dev.agentbroker.tiera.TokenService;
import dev.agentbroker.tiera.github.GitHubAppClient;
import dev.agentbroker.tiera.github.GitHubSettings;
import dev.agentbroker.tiera.keys.AppJwtSigner;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import org.jboss.logging.Logger;

/**
 * The broker's parts as CDI beans, each injected where it is used. Every producer depends on {@link
 * ConfigCheck}, so nothing is opened on a bad configuration; all are {@link Startup}, so an
 * unreadable policy, a missing key or an unverifiable journal stops start-up with one message
 * ({@link StartupRefused}, no stack trace) instead of failing the first request. {@link Singleton}:
 * no client proxies, so the final classes of the tiers can be beans as they are.
 */
@ApplicationScoped
public class BrokerBeans {
  private static final Logger LOG = Logger.getLogger(BrokerBeans.class);

  @Inject BrokerConfig config;
  @Inject Clock clock;

  @Produces
  @Singleton
  @Startup
  PolicyStore policy(ConfigCheck checked) {
    try {
      return PolicyStore.open(config.policy().file(), clock, IssuerSeparation.check(config.jwt()));
    } catch (PolicyException e) {
      throw new StartupRefused("policy refused, broker not started:\n" + e.getMessage());
    }
  }

  /** Key custody (file | vault-kv | vault-transit). */
  @Produces
  @Singleton
  @Startup
  AppJwtSigner signer(ConfigCheck checked, KeyCustody custody) {
    return refusing(custody::open);
  }

  /** Keyed chain, every segment verified against the shipping cursor and checkpoint. */
  @Produces
  @Singleton
  @Startup
  FileJournal journal(ConfigCheck checked, JournalIntegritySettings integrity, HecSettings hec) {
    BrokerConfig.Audit a = config.audit();
    return refusing(() -> JournalStartup.open(a, integrity, hec.cursorFile(a.journalDir()), clock));
  }

  void close(@Disposes FileJournal journal) {
    journal.close();
  }

  /** How GitHub is reached; Tier B's installation-token calls use the same settings. */
  @Produces
  @Singleton
  GitHubSettings githubSettings(ConfigCheck checked) {
    BrokerConfig.GitHub g = config.github();
    String iss = g.clientId().orElseGet(() -> Long.toString(g.appId().orElseThrow()));
    return new GitHubSettings(
        g.apiUrl(),
        iss,
        g.userAgent(),
        g.apiVersion(),
        g.connectTimeout(),
        g.requestTimeout(),
        g.maxAttempts(),
        g.backoffBase(),
        g.backoffMax(),
        g.installationCacheTtl(),
        g.installationMissTtl());
  }

  @Produces
  @Singleton
  @Startup
  GitHubAppClient github(GitHubSettings settings, AppJwtSigner signer) {
    return GitHubAppClient.create(settings, signer, clock);
  }

  /**
   * Leases in this replica's memory, or in the shared Redis ({@code broker.state.store=redis}) so
   * any replica can revoke them. Redis is not reached here: readiness pings it and checks its
   * {@code maxmemory-policy} ({@link ReadinessChecks}).
   */
  @Produces
  @Singleton
  LeaseStore leases(ConfigCheck checked, SharedState state) {
    if (state.shared()) {
      LOG.infof("leases in the shared Redis (prefix %s)", state.prefix());
      return new RedisLeaseStore(state.redis(), state.sealer(), state.prefix(), clock);
    }
    // Half the heap at most for leases: a full registry refuses mints (503) before the JVM dies
    // of OutOfMemoryError and takes every lease, and so every early revocation, with it.
    return new LeaseRegistry(
        clock, config.leases().capacity(), Runtime.getRuntime().maxMemory() / 2);
  }

  @Produces
  @Singleton
  @Startup
  TokenService tokens(
      PolicyStore policy,
      GitHubAppClient github,
      FileJournal journal,
      LeaseStore leases,
      MintAdmission admission,
      AppJwtSigner signer) {
    // Admission is RateLimits (broker.ratelimit.*): Tier A calls it after its policy decision.
    TokenService tokens =
        new TokenService(policy::current, github, journal, leases, admission, clock);
    LOG.infof(
        "broker ready: github=%s key=%s policy=%s (sha256 %s) issuers=%s journal=%s",
        config.github().apiUrl(),
        signer.describe(),
        config.policy().file(),
        policy.current().sourceSha256().substring(0, 12),
        config.jwt().issuers().keySet(),
        config.audit().journalDir());
    return tokens;
  }

  @Produces
  @Singleton
  @Startup
  CallerAuthenticator authenticator(ConfigCheck checked) {
    return new CallerAuthenticator(config.jwt(), clock);
  }

  /** An opener's one-sentence refusal, re-thrown so Quarkus prints it without a stack trace. */
  private static <T> T refusing(java.util.function.Supplier<T> open) {
    try {
      return open.get();
    } catch (IllegalStateException e) {
      throw new StartupRefused(e.getMessage());
    }
  }
}
