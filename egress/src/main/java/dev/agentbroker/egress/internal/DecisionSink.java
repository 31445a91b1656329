package dev.agentbroker.egress.internal;

import dev.agentbroker.audit.Outcomes;
import dev.agentbroker.egress.EgressDecision;
import dev.agentbroker.request.DecisionLog;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every decision goes through here exactly once: one canonical log line (logfmt), a metric, the
 * optional listener and, for denials and errors, an audit event. An allowed connection is audited
 * once, by its close event, which carries the decision (outcome, group, checked address) together
 * with bytes and duration: one journal append per tunnel instead of two, because the journal's
 * fsync, not the proxy, was what limited the tunnel rate. The allow is still logged when it
 * happens.
 */
public final class DecisionSink {
  private static final Logger LOG = Logger.getLogger("dev.agentbroker.egress.decision");
  private static final String SOURCE = DecisionSink.class.getName();

  private final ProxyMetrics metrics;
  private final AuditSink audit;
  private final Consumer<EgressDecision> listener;

  public DecisionSink(ProxyMetrics metrics, AuditSink audit, Consumer<EgressDecision> listener) {
    this.metrics = metrics;
    this.audit = audit;
    this.listener = listener;
  }

  public void emit(EgressDecision d) {
    if (d.event().equals("egress.connect")) {
      metrics.decision(d.outcome(), d.reason());
    }
    if (LOG.isLoggable(Level.INFO)) {
      // logp with an explicit source: plain info() makes JUL walk the stack to find the caller.
      LOG.logp(Level.INFO, SOURCE, "emit", line(d));
    }
    if (!(d.event().equals("egress.connect") && d.outcome().equals(Outcomes.ALLOWED))) {
      audit.submit(d);
    }
    if (listener != null) {
      try {
        listener.accept(d);
      } catch (RuntimeException e) {
        LOG.logp(Level.WARNING, SOURCE, "emit", "decision listener failed: " + e);
      }
    }
  }

  /**
   * The canonical decision line ({@link DecisionLog}, the broker's format and outcome words); field
   * order is fixed so the line can be grepped and parsed.
   */
  static String line(EgressDecision d) {
    boolean close = d.event().equals("egress.close");
    DecisionLog line = DecisionLog.of(d.event(), d.outcome(), d.reason()).with("id", d.id());
    if (d.status() > 0) {
      line.with("status", d.status());
    }
    line.with(DecisionLog.CLIENT_IP, d.client())
        .with("user", d.user())
        .with("method", capped(d.method()))
        .with("host", capped(d.host()))
        .with("port", d.port())
        .with("addr", d.address())
        .with("group", d.group());
    if (close) {
      line.with("bytes_up", d.bytesUp()).with("bytes_down", d.bytesDown());
    }
    return line.with(close ? "duration_ms" : DecisionLog.LATENCY_MS, d.durationMs()).render();
  }

  /** Values are validated before they get here; this only bounds a line's length. */
  static String capped(String s) {
    if (s == null) {
      return "-";
    }
    return s.length() <= 100 ? s : s.substring(0, 100);
  }
}
