package dev.agentbroker.request;

import dev.agentbroker.audit.Outcomes;
import dev.agentbroker.audit.SecretScrubber;

/**
 * The one canonical decision line of every component (broker, both tiers, break-glass, egress):
 * {@code action=… outcome=… reason=… [rule=…] key=value…}, one line per decision. {@code outcome}
 * is the journal's closed vocabulary ({@link Outcomes}: {@code allowed}, {@code denied}, {@code
 * error}), so a log search and a journal search use the same words. Field names are constants so
 * dashboards and alerts can rely on them. Values never hold secrets: tokens appear only as their
 * SHA-256, and any credential-shaped text a caller slipped into a value is scrubbed.
 *
 * <p>The line is built as it goes (no map, no format string): the egress proxy renders two per
 * tunnel on its event loop.
 */
public final class DecisionLog {
  public static final String LOGGER = "dev.agentbroker.decision";
  public static final String ACTION = "action";
  public static final String OUTCOME = "outcome";
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

  private final StringBuilder line = new StringBuilder(200);

  private DecisionLog() {}

  /**
   * Starts a line.
   *
   * @param outcome one of {@link Outcomes#ALLOWED}, {@link Outcomes#DENIED}, {@link Outcomes#ERROR}
   * @throws IllegalArgumentException for any other outcome word: there is one vocabulary
   */
  public static DecisionLog of(String action, String outcome, String reason) {
    if (!Outcomes.ALLOWED.equals(outcome)
        && !Outcomes.DENIED.equals(outcome)
        && !Outcomes.ERROR.equals(outcome)) {
      throw new IllegalArgumentException("not an outcome word: " + outcome);
    }
    DecisionLog d = new DecisionLog();
    d.line.append(ACTION).append('=');
    quote(d.line, action);
    return d.with(OUTCOME, outcome).with(REASON, reason);
  }

  /** A line for a policy decision: {@code rule} names the policy rule that decided. */
  public static DecisionLog of(String action, String outcome, String reason, String rule) {
    return of(action, outcome, reason).with(RULE, rule);
  }

  /** Appends {@code key=value}; a null value is left out. */
  public DecisionLog with(String key, Object value) {
    if (value != null) {
      line.append(' ').append(key).append('=');
      // Values may echo caller input: credential-shaped text never reaches a log line.
      quote(line, SecretScrubber.scrub(String.valueOf(value)));
    }
    return this;
  }

  /** Appends {@code key=value} for a number (nothing to scrub or quote). */
  public DecisionLog with(String key, long value) {
    line.append(' ').append(key).append('=').append(value);
    return this;
  }

  /** The line: values with spaces, quotes, '=' or non-ASCII are quoted, controls blanked. */
  public String render() {
    return line.toString();
  }

  public void emit() {
    LOG.log(System.Logger.Level.INFO, render());
  }

  private static void quote(StringBuilder sb, String v) {
    if (v.isEmpty()) {
      sb.append("\"\"");
      return;
    }
    boolean plain = true;
    for (int i = 0; i < v.length() && plain; i++) {
      char c = v.charAt(i);
      plain = c > ' ' && c != '"' && c != '=' && c < 0x7f;
    }
    if (plain) {
      sb.append(v);
      return;
    }
    sb.append('"');
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < ' ' || (c >= 0x7f && c <= 0x9f)) {
        sb.append(' '); // no log injection through control characters (C0, DEL, C1)
      } else {
        sb.append(c);
      }
    }
    sb.append('"');
  }
}
