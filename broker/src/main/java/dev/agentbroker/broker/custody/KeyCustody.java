package dev.agentbroker.broker.custody;

import dev.agentbroker.broker.config.BrokerConfig;
import dev.agentbroker.tiera.keys.AppJwtSigner;
import dev.agentbroker.tiera.keys.FileAppJwtSigner;
import dev.agentbroker.tiera.keys.KeyUnavailableException;
import dev.agentbroker.tiera.keys.PemSourceAppJwtSigner;
import dev.agentbroker.tiera.keys.TransitAppJwtSigner;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vault.runtime.VaultConfigHolder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.OptionalInt;
import org.jboss.logging.Logger;

/**
 * Builds the App JWT signer for {@code broker.key.source} and keeps a cached availability state.
 *
 * <p>The state is refreshed every {@code broker.key.refresh-interval} by one cheap call (vault-kv:
 * re-read the PEM, which is also how rotation is picked up; vault-transit: read the key's metadata,
 * which also keeps the login token renewed). Readiness reads the cached state, so probes never
 * hammer OpenBao.
 */
@ApplicationScoped
public class KeyCustody {
  private static final Logger LOG = Logger.getLogger(KeyCustody.class);

  @Inject BrokerConfig config;
  @Inject Clock clock;
  @Inject VaultConfigHolder vaultConfig;

  private volatile AppJwtSigner signer;
  private volatile PemSourceAppJwtSigner kvSigner;
  private volatile VaultTransitSigner transit;
  private volatile int transitVersion;
  private volatile String problem;

  /**
   * Opens the configured key source once, at start-up.
   *
   * @throws IllegalStateException with one operator-readable sentence (no secrets) on any failure
   */
  public AppJwtSigner open() {
    BrokerConfig.Key k = config.key();
    try {
      switch (k.source()) {
        case "vault-kv":
          kvSigner =
              PemSourceAppJwtSigner.open(
                  new VaultKvPemSource(
                      VaultAccess.open(vaultConfig, clock),
                      k.vaultKvPath().orElseThrow(),
                      k.vaultKvField()),
                  clock,
                  k.refreshInterval());
          signer = kvSigner;
          break;
        case "vault-transit":
          transit =
              new VaultTransitSigner(
                  VaultAccess.open(vaultConfig, clock), k.transitKey().orElseThrow());
          transitVersion = transit.latestVersion();
          signer = new TransitAppJwtSigner(transit);
          break;
        default:
          signer =
              FileAppJwtSigner.load(
                  k.file().orElseThrow(),
                  k.fileGroup().map(OptionalInt::of).orElse(OptionalInt.empty()));
      }
    } catch (KeyUnavailableException | IllegalStateException e) {
      throw new IllegalStateException(
          "App key unavailable (broker.key.source="
              + k.source()
              + "), broker not started: "
              + e.getMessage());
    }
    problem = null;
    return signer;
  }

  /** One availability check; logs only transitions and rotations. */
  @Scheduled(
      every = "${broker.key.refresh-interval:60s}",
      delayed = "${broker.key.refresh-interval:60s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  public void refresh() {
    if (signer == null || (kvSigner == null && transit == null)) {
      return;
    }
    try {
      if (kvSigner != null && kvSigner.refresh()) {
        LOG.infof(
            "App key rotated in OpenBao KV; now signing with %s", kvSigner.currentFingerprint());
      }
      if (transit != null) {
        int v = transit.latestVersion();
        if (v != transitVersion) {
          LOG.infof(
              "transit key %s now at version %d (was %d)", transit.describe(), v, transitVersion);
          transitVersion = v;
        }
      }
      if (problem != null) {
        LOG.infof("App key source available again: %s", signer.describe());
      }
      problem = null;
    } catch (KeyUnavailableException e) {
      if (problem == null) {
        LOG.errorf("App key source unavailable, mints will be refused: %s", e.getMessage());
      }
      problem = e.getMessage();
    }
  }

  /** Cached; never a network call. */
  public boolean available() {
    return problem == null;
  }

  /** The last failure, safe to show (no secrets); null when available. */
  public String problem() {
    return problem;
  }

  public AppJwtSigner signer() {
    return signer;
  }
}
