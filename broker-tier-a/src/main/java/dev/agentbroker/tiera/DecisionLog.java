package dev.agentbroker.tiera;

import dev.agentbroker.audit.SecretScrubber;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The canonical one-line-per-decision log format: {@code decision=… reason=… rule=…}. Field names
 * are constants so dashboards and alerts can rely on them. Values never hold secrets: tokens appear
 * only as their SHA-256.
 */
public final class DecisionLog {
  public static final String LOGGER = "dev.agentbroker.decision";
  public static final String ACTION = "action";
  public static final String DECISION = "decision";
  public static final String REASON = "reason";
  public static final String RULE = "rule";
  public static final String IDENTITY = "identity";
  public static final String ISSUER = "iss";
  public static final String SUBJECT = "sub";
  public static final String OWNER = "owner";
  public static final String REPOSITORIES = "repos";
  public static final String PERMISSIONS = "perms";
  public static final String TOKEN_SHA256 = "token_sha256";
  public static final String LEASE = "lease";
  public static final String REQUEST_ID = "request_id";
  public static final String CLIENT_IP = "src";
  public static final String LATENCY_MS = "latency_ms";
  public static final String DETAIL = "detail";

  private static final System.Logger LOG = System.getLogger(LOGGER);

  private final Map<String, Object> fields = new LinkedHashMap<>();

  private DecisionLog() {}

  public static DecisionLog of(String action, String decision, String reason, String rule) {
    DecisionLog d = new DecisionLog();
    d.fields.put(ACTION, action);
    d.fields.put(DECISION, decision);
    d.fields.put(REASON, reason);
    d.fields.put(RULE, rule);
    return d;
  }

  public DecisionLog with(String key, Object value) {
    if (value != null) {
      fields.put(key, value);
    }
    return this;
  }

  /** Renders {@code k=v} pairs; values with spaces, quotes or '=' are quoted. */
  public String render() {
    StringBuilder sb = new StringBuilder(160);
    for (Map.Entry<String, Object> e : fields.entrySet()) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      // Values may echo caller input: credential-shaped text never reaches a log line.
      String v = SecretScrubber.scrub(String.valueOf(e.getValue()));
      sb.append(e.getKey()).append('=').append(quote(v));
    }
    return sb.toString();
  }

  public void emit() {
    LOG.log(System.Logger.Level.INFO, render());
  }

  private static String quote(String v) {
    if (v.isEmpty()) {
      return "\"\"";
    }
    boolean plain = true;
    for (int i = 0; i < v.length() && plain; i++) {
      char c = v.charAt(i);
      plain = c > ' ' && c != '"' && c != '=' && c < 0x7f;
    }
    if (plain) {
      return v;
    }
    StringBuilder sb = new StringBuilder(v.length() + 2).append('"');
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < ' ' || c == 0x7f) {
        sb.append(' '); // no log injection through control characters
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }
}
