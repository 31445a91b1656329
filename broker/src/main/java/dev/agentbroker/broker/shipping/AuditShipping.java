package dev.agentbroker.broker.shipping;

import dev.agentbroker.audit.FileJournal;
import dev.agentbroker.audit.ShippingCursor;
import dev.agentbroker.audit.hec.HecConfig;
import dev.agentbroker.audit.hec.HecListener;
import dev.agentbroker.audit.hec.HecShipper;
import dev.agentbroker.audit.hec.HecStats;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import org.jboss.logging.Logger;

/**
 * Runs the HEC shipper next to the journal when {@code broker.audit.hec.enabled}. Shipping never
 * gates actions (the durable journal does); its trouble is reported loudly instead: an ERROR log on
 * a permanent failure, metrics, and the {@code audit-shipping} health group.
 */
@Startup
@ApplicationScoped
public class AuditShipping {
  private static final Logger LOG = Logger.getLogger(AuditShipping.class);

  @Inject HecSettings settings;
  @Inject FileJournal journal;
  @Inject MeterRegistry registry;
  @Inject Clock clock;

  private HecShipper shipper;

  @PostConstruct
  void start() {
    if (!settings.enabled()) {
      return;
    }
    List<String> problems = HecSettings.problems(settings);
    if (!problems.isEmpty()) {
      // ConfigCheck reported these before anything was opened; kept for a direct construction.
      throw new IllegalStateException(
          "audit shipping configuration invalid:\n  - " + String.join("\n  - ", problems));
    }
    HecConfig.Builder b =
        HecConfig.builder(settings.url().get(), settings.token().get())
            .source(settings.source())
            .sourcetype(settings.sourcetype())
            .maxBatchEvents(settings.batchMaxEvents())
            .maxBatchBytes(settings.batchMaxBytes())
            .maxBatchDelay(settings.batchMaxDelay())
            .gzip(settings.gzip())
            .ack(settings.ackEnabled(), settings.ackChannel().orElse(null))
            .ackTiming(settings.ackPollInterval(), settings.ackTimeout())
            .backoff(settings.backoffBase(), settings.backoffMax())
            .permanentFailureRetry(settings.permanentFailureRetry())
            .timeouts(settings.connectTimeout(), settings.requestTimeout());
    settings.index().ifPresent(b::index);
    settings.host().ifPresent(b::host);
    settings
        .truststorePath()
        .ifPresent(
            p ->
                b.trustStore(
                    p, settings.truststorePassword().orElse(null), settings.truststoreType()));
    Path journalDir = journal.directory();
    Path cursorFile = settings.cursorFile(journalDir);
    try {
      ShippingCursor cursor = ShippingCursor.open(cursorFile);
      shipper = HecShipper.start(b.build(), journal, cursor, clock, new LoggingListener());
    } catch (IOException e) {
      throw new IllegalStateException(
          "audit shipping cannot start (cursor " + cursorFile + "): " + e.getMessage());
    }
    gauge(
        "broker.audit.hec.backlog.events",
        s -> s.backlogEvents(),
        "Journal events not yet shipped");
    gauge(
        "broker.audit.hec.backlog.bytes", s -> s.backlogBytes(), "Estimated bytes not yet shipped");
    gauge(
        "broker.audit.hec.oldest.unshipped.seconds",
        s -> s.oldestUnshippedAge().toMillis() / 1000.0,
        "Age of the oldest unshipped event");
    gauge("broker.audit.hec.shipped", s -> s.shipped(), "Events acknowledged by HEC");
    gauge("broker.audit.hec.retried", s -> s.retried(), "Batch sends retried");
    gauge("broker.audit.hec.failed", s -> s.failed(), "Batch sends that failed");
    gauge(
        "broker.audit.hec.permanent.failure",
        s -> s.permanentFailure() ? 1 : 0,
        "1 while HEC refuses the data or the token");
    LOG.infof("audit shipping to HEC started: %s cursor=%s", settings.url().get(), cursorFile);
  }

  private void gauge(String name, ToDoubleFunction<HecStats> f, String description) {
    Gauge.builder(name, this, a -> f.applyAsDouble(a.shipper.stats()))
        .description(description)
        .register(registry);
  }

  /** Present only when shipping is enabled. */
  public Optional<HecStats> stats() {
    return Optional.ofNullable(shipper).map(HecShipper::stats);
  }

  @PreDestroy
  void stop() {
    if (shipper != null) {
      shipper.stop();
    }
  }

  /** Shipping events in the broker's log; texts from the shipper never hold the token. */
  private static final class LoggingListener implements HecListener {
    @Override
    public void retrying(String error, int attempt, Duration delay) {
      LOG.warnf("audit shipping retry %d in %d ms: %s", attempt, delay.toMillis(), error);
    }

    @Override
    public void permanentFailure(String error) {
      LOG.errorf("audit shipping HELD (nothing dropped; fix and it resumes): %s", error);
    }

    @Override
    public void recovered() {
      LOG.info("audit shipping recovered");
    }
  }
}
