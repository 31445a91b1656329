package dev.agentbroker.egress;

import dev.agentbroker.audit.FileJournal;
import dev.agentbroker.audit.JournalConfig;
import dev.agentbroker.egress.internal.AllowlistSource;
import dev.agentbroker.egress.internal.AuditSink;
import dev.agentbroker.egress.internal.DaemonThreads;
import dev.agentbroker.egress.internal.DecisionSink;
import dev.agentbroker.egress.internal.MetricsServer;
import dev.agentbroker.egress.internal.ProxyMetrics;
import dev.agentbroker.egress.internal.ProxyServer;
import dev.agentbroker.egress.internal.inject.InjectSettings;
import dev.agentbroker.egress.internal.inject.Injector;
import dev.agentbroker.egress.internal.inject.TokenSource;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

/** A running egress proxy. Start with {@link #builder}; {@link #close()} stops everything. */
public final class EgressProxy implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger("dev.agentbroker.egress");

  private final ProxyServer server;
  private final MetricsServer metricsServer;
  private final AllowlistSource allowlist;
  private final AuditSink audit;
  private final PrometheusMeterRegistry registry;
  private final ScheduledExecutorService reloader;
  private final Injector injector;

  private EgressProxy(
      ProxyServer server,
      MetricsServer metricsServer,
      AllowlistSource allowlist,
      AuditSink audit,
      PrometheusMeterRegistry registry,
      ScheduledExecutorService reloader,
      Injector injector) {
    this.injector = injector;
    this.server = server;
    this.metricsServer = metricsServer;
    this.allowlist = allowlist;
    this.audit = audit;
    this.registry = registry;
    this.reloader = reloader;
  }

  public static Builder builder(EgressConfig config) {
    return new Builder(config);
  }

  /** Bound proxy addresses (with the actual port when 0 was configured). */
  public List<InetSocketAddress> listenAddresses() {
    return server.listening();
  }

  public Optional<InetSocketAddress> metricsAddress() {
    return metricsServer == null ? Optional.empty() : Optional.of(metricsServer.address());
  }

  /** The I/O transport in use: {@code epoll} or {@code nio}. */
  public String transport() {
    return server.transport();
  }

  /** The Prometheus exposition text, as served on the metrics port. */
  public String scrape() {
    return registry.scrape();
  }

  /** The {@code inject: github} mode (CA, runs, registration API), when configured. */
  public Optional<Injector> injector() {
    return Optional.ofNullable(injector);
  }

  /** Checks the policy and settings files now; true when a new allowlist was installed. */
  public boolean reloadNow() {
    return allowlist.reload();
  }

  /** Stops accepting, closes every connection, then flushes and closes the audit journal. */
  @Override
  public void close() {
    reloader.shutdownNow();
    if (metricsServer != null) {
      metricsServer.close();
    }
    server.close();
    if (injector != null) {
      injector.close();
    }
    audit.close();
  }

  /** Assembles and starts a proxy. */
  public static final class Builder {
    private final EgressConfig config;
    private Resolver resolver = Resolver.system();
    private Clock clock = Clock.systemUTC();
    private Consumer<EgressDecision> listener;
    private Optional<Path> settingsFile = Optional.empty();
    private Optional<InjectSettings> inject = Optional.empty();
    private TokenSource injectTokens;

    private Builder(EgressConfig config) {
      this.config = Objects.requireNonNull(config, "config");
    }

    public Builder resolver(Resolver resolver) {
      this.resolver = Objects.requireNonNull(resolver, "resolver");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Called for every decision, on an event loop: must be quick. */
    public Builder listener(Consumer<EgressDecision> listener) {
      this.listener = listener;
      return this;
    }

    /** The file {@code config} was read from, so its {@code groups} section is hot-reloaded. */
    public Builder settingsFile(Path file) {
      this.settingsFile = Optional.of(file);
      return this;
    }

    /** Turns on the {@code inject: github} mode (the settings file's {@code inject:} section). */
    public Builder inject(Optional<InjectSettings> settings) {
      this.inject = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /** Where the injector gets tokens instead of the configured broker (tests). */
    public Builder injectTokens(TokenSource tokens) {
      this.injectTokens = tokens;
      return this;
    }

    /** Binds every listener before returning; throws (and releases everything) on failure. */
    public EgressProxy start() throws Exception {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      ProxyMetrics metrics = new ProxyMetrics(registry);
      AllowlistSource source = AllowlistSource.open(config, settingsFile, clock, metrics);
      FileJournal journal =
          config.auditDirectory().isPresent()
              ? FileJournal.open(
                  new JournalConfig(
                          config.auditDirectory().get(),
                          JournalConfig.DEFAULT_SEGMENT_MAX_BYTES,
                          config.auditQueue(),
                          JournalConfig.DEFAULT_APPEND_TIMEOUT)
                      .withCommitLinger(AuditSink.COMMIT_LINGER),
                  clock)
              : null;
      AuditSink audit = new AuditSink(journal, metrics);
      ScheduledExecutorService reloader =
          Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("egress-reload"));
      ProxyServer server = null;
      MetricsServer metricsServer = null;
      Injector injector = null;
      try {
        if (inject.isPresent()) {
          List<String> problems = inject.get().problems(source.current().policy());
          if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
          }
          injector = Injector.start(inject.get(), audit::submit, clock, injectTokens);
        }
        server =
            ProxyServer.start(
                config,
                source::current,
                resolver,
                new DecisionSink(metrics, audit, listener),
                metrics,
                clock,
                injector);
        if (config.metricsListen().isPresent()) {
          metricsServer = MetricsServer.start(registry::scrape, config.metricsListen().get());
        }
        long every = config.reloadInterval().toMillis();
        reloader.scheduleWithFixedDelay(source::reload, every, every, TimeUnit.MILLISECONDS);
        LOG.info(
            "egress proxy listening on "
                + server.listening()
                + " ("
                + server.transport()
                + "), metrics on "
                + (metricsServer == null ? "-" : metricsServer.address()));
        return new EgressProxy(server, metricsServer, source, audit, registry, reloader, injector);
      } catch (Exception | Error e) {
        reloader.shutdownNow();
        if (metricsServer != null) {
          metricsServer.close();
        }
        if (server != null) {
          server.close();
        }
        if (injector != null) {
          injector.close();
        }
        audit.close();
        throw e;
      }
    }
  }
}
