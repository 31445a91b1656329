package dev.agentbroker.egress;

import dev.agentbroker.audit.FileJournal;
import dev.agentbroker.audit.JournalConfig;
import dev.agentbroker.egress.internal.AllowlistSource;
import dev.agentbroker.egress.internal.AuditSink;
import dev.agentbroker.egress.internal.DecisionSink;
import dev.agentbroker.egress.internal.Limiter;
import dev.agentbroker.egress.internal.ProxyConnection;
import dev.agentbroker.egress.internal.ProxyContext;
import dev.agentbroker.egress.internal.ProxyMetrics;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
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

  private final Vertx vertx;
  private final AllowlistSource allowlist;
  private final AuditSink audit;
  private final PrometheusMeterRegistry registry;
  private final ScheduledExecutorService reloader;
  private final List<InetSocketAddress> listening;
  private final Optional<InetSocketAddress> metricsAddress;

  private EgressProxy(
      Vertx vertx,
      AllowlistSource allowlist,
      AuditSink audit,
      PrometheusMeterRegistry registry,
      ScheduledExecutorService reloader,
      List<InetSocketAddress> listening,
      Optional<InetSocketAddress> metricsAddress) {
    this.vertx = vertx;
    this.allowlist = allowlist;
    this.audit = audit;
    this.registry = registry;
    this.reloader = reloader;
    this.listening = List.copyOf(listening);
    this.metricsAddress = metricsAddress;
  }

  public static Builder builder(EgressConfig config) {
    return new Builder(config);
  }

  /** Bound proxy addresses (with the actual port when 0 was configured). */
  public List<InetSocketAddress> listenAddresses() {
    return listening;
  }

  public Optional<InetSocketAddress> metricsAddress() {
    return metricsAddress;
  }

  /** The Prometheus exposition text, as served on the metrics port. */
  public String scrape() {
    return registry.scrape();
  }

  /** Checks the policy and settings files now; true when a new allowlist was installed. */
  public boolean reloadNow() {
    return allowlist.reload();
  }

  @Override
  public void close() {
    reloader.shutdownNow();
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warning("vert.x did not stop cleanly: " + e);
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

    /** Binds every listener before returning; throws (and releases everything) on failure. */
    public EgressProxy start() throws Exception {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      ProxyMetrics metrics = new ProxyMetrics(registry);
      AllowlistSource source = AllowlistSource.open(config, settingsFile, clock, metrics);
      FileJournal journal =
          config.auditDirectory().isPresent()
              ? FileJournal.open(JournalConfig.defaults(config.auditDirectory().get()), clock)
              : null;
      AuditSink audit = new AuditSink(journal, metrics, config.auditThreads(), config.auditQueue());
      Vertx vertx =
          Vertx.vertx(
              new VertxOptions().setEventLoopPoolSize(config.eventLoops()).setWorkerPoolSize(16));
      ScheduledExecutorService reloader =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "egress-reload");
                t.setDaemon(true);
                return t;
              });
      try {
        var limits = config.limits();
        int idleMs = (int) Math.min(Integer.MAX_VALUE, limits.idleTimeout().toMillis());
        NetClient client =
            vertx.createNetClient(
                new NetClientOptions()
                    .setConnectTimeout(
                        (int) Math.min(Integer.MAX_VALUE, limits.connectTimeout().toMillis()))
                    .setIdleTimeout(idleMs)
                    .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                    .setTcpNoDelay(true));
        ProxyContext ctx =
            new ProxyContext(
                vertx,
                client,
                source::current,
                resolver,
                limits,
                new DecisionSink(metrics, audit, listener),
                metrics,
                new Limiter(limits.maxTunnelsPerClient(), limits.maxTunnelsTotal()),
                clock);
        List<InetSocketAddress> bound = new ArrayList<>();
        for (InetSocketAddress a : config.listen()) {
          bound.add(listen(vertx, ctx, a, idleMs, config.eventLoops()));
        }
        Optional<InetSocketAddress> metricsBound = Optional.empty();
        if (config.metricsListen().isPresent()) {
          metricsBound = Optional.of(serveMetrics(vertx, registry, config.metricsListen().get()));
        }
        long every = config.reloadInterval().toMillis();
        reloader.scheduleWithFixedDelay(source::reload, every, every, TimeUnit.MILLISECONDS);
        LOG.info("egress proxy listening on " + bound + ", metrics on " + metricsBound);
        return new EgressProxy(vertx, source, audit, registry, reloader, bound, metricsBound);
      } catch (Exception | Error e) {
        reloader.shutdownNow();
        vertx.close();
        audit.close();
        throw e;
      }
    }

    /**
     * One server per event loop on the same address: Vert.x shares the bound socket and spreads
     * accepted connections across the loops.
     */
    private static InetSocketAddress listen(
        Vertx vertx, ProxyContext ctx, InetSocketAddress at, int idleMs, int loops)
        throws Exception {
      // Vert.x shares a bound socket only between servers asking for the same port; a negative
      // port means "one random port shared by all servers asking for this same value".
      int port = at.getPort() == 0 ? -1 : at.getPort();
      int actual = 0;
      for (int i = 0; i < loops; i++) {
        NetServerOptions o =
            new NetServerOptions()
                .setHost(at.getAddress().getHostAddress())
                .setPort(port)
                .setIdleTimeout(idleMs)
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setTcpNoDelay(true)
                .setAcceptBacklog(1024);
        NetServer server =
            vertx
                .createNetServer(o)
                .connectHandler(s -> ProxyConnection.accept(ctx, s))
                .listen()
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        actual = server.actualPort();
      }
      return new InetSocketAddress(at.getAddress(), actual);
    }

    private static InetSocketAddress serveMetrics(
        Vertx vertx, PrometheusMeterRegistry registry, InetSocketAddress at) throws Exception {
      HttpServer server =
          vertx
              .createHttpServer(
                  new HttpServerOptions()
                      .setHost(at.getAddress().getHostAddress())
                      .setPort(at.getPort()))
              .requestHandler(
                  req -> {
                    if (req.path().equals("/metrics")) {
                      req.response()
                          .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                          .end(registry.scrape());
                    } else {
                      req.response().setStatusCode(404).end();
                    }
                  })
              .listen()
              .toCompletionStage()
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      return new InetSocketAddress(at.getAddress(), server.actualPort());
    }
  }
}
