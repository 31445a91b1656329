package dev.agentbroker.egress.internal;

import dev.agentbroker.audit.Outcomes;
import dev.agentbroker.egress.EgressDecision;
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

  /** The canonical line; field order is fixed so the line can be grepped and parsed. */
  static String line(EgressDecision d) {
    StringBuilder b = new StringBuilder(200);
    b.append(d.event())
        .append(" id=")
        .append(d.id())
        .append(" outcome=")
        .append(d.outcome())
        .append(" reason=")
        .append(d.reason());
    if (d.status() > 0) {
      b.append(" status=").append(d.status());
    }
    b.append(" client=")
        .append(d.client())
        .append(" user=")
        .append(d.user())
        .append(" method=")
        .append(safe(d.method()))
        .append(" host=")
        .append(safe(d.host()))
        .append(" port=")
        .append(d.port())
        .append(" addr=")
        .append(d.address())
        .append(" group=")
        .append(d.group());
    if (d.event().equals("egress.close")) {
      b.append(" bytes_up=").append(d.bytesUp()).append(" bytes_down=").append(d.bytesDown());
    }
    b.append(" ms=").append(d.durationMs());
    return b.toString();
  }

  /** Values are validated before they get here; this is only a guard against log injection. */
  static String safe(String s) {
    if (s == null) {
      return "-";
    }
    StringBuilder b = new StringBuilder(Math.min(s.length(), 100));
    for (int i = 0; i < s.length() && i < 100; i++) {
      char c = s.charAt(i);
      b.append(c > 0x20 && c < 0x7f && c != '"' && c != '=' ? c : '?');
    }
    return b.toString();
  }
}
