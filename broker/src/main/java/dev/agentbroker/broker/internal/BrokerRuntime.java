package dev.agentbroker.broker.internal;

import dev.agentbroker.audit.FileJournal;
import dev.agentbroker.broker.auth.CallerAuthenticator;
import dev.agentbroker.broker.auth.IssuerSeparation;
import dev.agentbroker.broker.config.BrokerConfig;
import dev.agentbroker.broker.config.ConfigProblems;
import dev.agentbroker.broker.config.JournalIntegritySettings;
import dev.agentbroker.broker.custody.KeyCustody;
import dev.agentbroker.broker.shipping.HecSettings;
import dev.agentbroker.policy.PolicyException;
import dev.agentbroker.policy.PolicyStore;
import dev.agentbroker.tiera.LeaseRegistry;
import dev.agentbroker.tiera.TokenService;
import dev.agentbroker.tiera.github.GitHubAppClient;
import dev.agentbroker.tiera.github.GitHubSettings;
import dev.agentbroker.tiera.keys.AppJwtSigner;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Builds the broker from configuration at start-up and refuses to start on any problem: an
 * unreadable policy, a missing key, an unwritable journal all stop the process with one message
 * that lists every problem found.
 */
@Startup
@ApplicationScoped
public class BrokerRuntime {
  private static final Logger LOG = Logger.getLogger(BrokerRuntime.class);

  @Inject BrokerConfig config;
  @Inject Clock clock;
  @Inject KeyCustody keyCustody;
  @Inject JournalIntegritySettings integrity;
  @Inject HecSettings hecSettings;

  private PolicyStore policy;
  private FileJournal journal;
  private AppJwtSigner signer;
  private GitHubAppClient github;
  private GitHubSettings settings;
  private LeaseRegistry leases;
  private TokenService tokens;
  private CallerAuthenticator authenticator;

  @PostConstruct
  void start() {
    List<String> problems = new ArrayList<>(ConfigProblems.of(config));
    problems.addAll(JournalIntegritySettings.problems(integrity));
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "broker configuration invalid:\n  - " + String.join("\n  - ", problems));
    }
    try {
      policy =
          PolicyStore.open(config.policy().file(), clock, IssuerSeparation.check(config.jwt()));
    } catch (PolicyException e) {
      throw new IllegalStateException("policy refused, broker not started:\n" + e.getMessage());
    }
    // Key custody (file | vault-kv | vault-transit); throws one clear sentence on failure.
    signer = keyCustody.open();
    BrokerConfig.Audit a = config.audit();
    // Keyed chain, every segment verified against the shipping cursor and checkpoint: fail closed.
    journal = JournalStartup.open(a, integrity, hecSettings.cursorFile(a.journalDir()), clock);
    BrokerConfig.GitHub g = config.github();
    String iss = g.clientId().orElseGet(() -> Long.toString(g.appId().orElseThrow()));
    settings =
        new GitHubSettings(
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
    github = GitHubAppClient.create(settings, signer, clock);
    // Half the heap at most for leases: a full registry refuses mints (503) before the JVM dies
    // of OutOfMemoryError and takes every lease, and so every early revocation, with it.
    leases =
        new LeaseRegistry(clock, config.leases().capacity(), Runtime.getRuntime().maxMemory() / 2);
    tokens = new TokenService(policy::current, github, journal, leases, clock);
    authenticator = new CallerAuthenticator(config.jwt(), clock);
    LOG.infof(
        "broker ready: github=%s key=%s policy=%s (sha256 %s) issuers=%s journal=%s",
        g.apiUrl(),
        signer.describe(),
        config.policy().file(),
        policy.current().sourceSha256().substring(0, 12),
        config.jwt().issuers().keySet(),
        a.journalDir());
  }

  @PreDestroy
  void stop() {
    if (journal != null) {
      journal.close();
    }
  }

  public PolicyStore policy() {
    return policy;
  }

  public FileJournal journal() {
    return journal;
  }

  public AppJwtSigner signer() {
    return signer;
  }

  /** How GitHub is reached; Tier B's installation-token calls use the same settings. */
  public GitHubSettings githubSettings() {
    return settings;
  }

  public GitHubAppClient github() {
    return github;
  }

  public LeaseRegistry leases() {
    return leases;
  }

  public TokenService tokens() {
    return tokens;
  }

  public CallerAuthenticator authenticator() {
    return authenticator;
  }
}
