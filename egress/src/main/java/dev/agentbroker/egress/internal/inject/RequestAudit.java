package dev.agentbroker.egress.internal.inject;

import dev.agentbroker.audit.AuditEvent;
import dev.agentbroker.audit.Outcomes;
import dev.agentbroker.egress.internal.inject.RunRegistry.Run;
import dev.agentbroker.request.DecisionLog;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One canonical log line ({@code egress.inject …}, logger {@code dev.agentbroker.egress.decision})
 * and one audit event per intercepted request: run id, method, path template, repository, status,
 * bytes. Built only from the decision and counters, so a token can never reach either.
 */
public final class RequestAudit {
  private static final Logger LOG = Logger.getLogger("dev.agentbroker.egress.decision");
  private static final String SOURCE = RequestAudit.class.getName();

  /** Who is asking: the tunnel's fixed facts. */
  public record Context(
      String connectionId, String client, String user, String host, String runId, String owner) {
    Context withRun(Run run) {
      return run == null
          ? this
          : new Context(connectionId, client, user, host, run.runId(), run.grant().owner());
    }
  }

  /** One request's mutable record, confined to the tunnel's event loop. */
  public static final class Exchange {
    final Context who;
    final String method;
    final String template;
    final String repository;
    final long startNanos = System.nanoTime();
    final Map<String, String> details = new LinkedHashMap<>();
    String outcome = Outcomes.DENIED;
    String reason = "-";
    int status;
    long up;
    long down;

    Exchange(Context who, String method, String template, String repository) {
      this.who = who;
      this.method = method;
      this.template = template;
      this.repository = repository;
    }

    void allowed(String why) {
      outcome = Outcomes.ALLOWED;
      reason = why;
    }

    void refused(int status, String why) {
      outcome = status >= 500 ? Outcomes.ERROR : Outcomes.DENIED;
      reason = why;
      this.status = status;
    }

    void status(int s) {
      status = s;
    }

    int status() {
      return status;
    }

    void up(long n) {
      up += n;
    }

    void down(long n) {
      down += n;
    }

    void detail(String k, String v) {
      details.put(k, v);
    }
  }

  private final Consumer<AuditEvent> sink;
  private final Clock clock;

  public RequestAudit(Consumer<AuditEvent> sink, Clock clock) {
    this.sink = sink;
    this.clock = clock;
  }

  Exchange begin(Context who, String method, String template, String repository) {
    return new Exchange(who, method, template, repository);
  }

  /** Ends an exchange: {@code status} 0 means the connection ended before an answer. */
  void end(Exchange x, int status) {
    x.status = status;
    if (status == 0 && x.outcome.equals(Outcomes.ALLOWED)) {
      x.outcome = Outcomes.ERROR;
      x.reason = "incomplete";
    }
    long ms = (System.nanoTime() - x.startNanos) / 1_000_000;
    if (LOG.isLoggable(Level.INFO)) {
      LOG.logp(Level.INFO, SOURCE, "end", line(x, ms));
    }
    Map<String, String> d = new LinkedHashMap<>();
    d.put("connection_id", x.who.connectionId());
    d.put("run_id", x.who.runId());
    d.put("method", x.method);
    d.put("host", x.who.host());
    d.put("path_template", x.template);
    d.put("repository", x.repository);
    d.put("status", Integer.toString(status));
    d.put("bytes_up", Long.toString(x.up));
    d.put("bytes_down", Long.toString(x.down));
    d.putAll(x.details);
    AuditEvent.Builder b =
        AuditEvent.builder("egress.inject", x.outcome)
            .time(clock.instant())
            .reason(x.reason)
            .clientIp(x.who.client())
            .subject(x.who.user())
            .requestId(x.who.runId().equals("-") ? null : x.who.runId())
            .latencyMs(ms)
            .details(d);
    if (!x.repository.equals("-")) {
      int slash = x.repository.indexOf('/');
      b.owner(x.repository.substring(0, slash))
          .repositories(List.of(x.repository.substring(slash + 1)));
    }
    sink.accept(b.build());
  }

  /** The canonical decision line ({@link DecisionLog}, as every other decision of the product). */
  static String line(Exchange x, long ms) {
    DecisionLog line =
        DecisionLog.of("egress.inject", x.outcome, x.reason)
            .with("id", x.who.connectionId())
            .with("status", x.status)
            .with(DecisionLog.CLIENT_IP, x.who.client())
            .with("user", x.who.user())
            .with("run", capped(x.who.runId()))
            .with("method", capped(x.method))
            .with("host", x.who.host())
            .with("path", capped(x.template))
            .with("repo", capped(x.repository))
            .with("bytes_up", x.up)
            .with("bytes_down", x.down);
    x.details.forEach((k, v) -> line.with(k, capped(v)));
    return line.with(DecisionLog.LATENCY_MS, ms).render();
  }

  /** Values were validated before; this only bounds a line's length (the renderer quotes). */
  private static String capped(String s) {
    return s.length() <= 120 ? s : s.substring(0, 120);
  }
}
