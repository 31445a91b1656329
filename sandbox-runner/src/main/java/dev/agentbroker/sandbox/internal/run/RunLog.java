package dev.agentbroker.sandbox.internal.run;

import dev.agentbroker.sandbox.internal.broker.Lease;
import dev.agentbroker.sandbox.internal.credential.TokenCache;
import dev.agentbroker.sandbox.internal.settings.RepoRef;
import java.io.PrintStream;

/**
 * The launcher's canonical lines, one per decision, on standard error: {@code agent.run} (start and
 * end of a run), {@code agent.credential} (each token handed out, reused or refused), {@code
 * agent.revoke} (each lease at the end). Outcomes use the project's vocabulary ({@code allowed},
 * {@code denied}, {@code error}) plus the step's own word. A token appears only as the first 12 hex
 * digits of its SHA-256 (the broker's audit journal has the full hash). {@code --quiet} keeps only
 * errors.
 */
public final class RunLog {
  private final PrintStream out;
  private final boolean quiet;
  private final String runId;

  public RunLog(PrintStream out, boolean quiet, String runId) {
    this.out = out;
    this.quiet = quiet;
    this.runId = runId;
  }

  public String runId() {
    return runId;
  }

  /** {@code lease=… token_sha256=<12 hex> expires=…}: how every line names a token. */
  static String leaseFields(Lease lease) {
    return "lease="
        + lease.leaseId()
        + " token_sha256="
        + lease.tokenSha256Prefix()
        + " expires="
        + lease.expiresAt();
  }

  /** A token handed out by {@code agent token} or the host-side {@code agent credential}. */
  public void issued(String event, RepoRef repo, Lease lease) {
    line(false, event + " outcome=allowed repo=" + repo + " token=minted " + leaseFields(lease));
  }

  private synchronized void line(boolean always, String text) {
    if (always || !quiet) {
      out.println("agent: " + text);
      out.flush();
    }
  }

  public void started(String runtime, RepoRef repo, Lease lease, String network, String timeout) {
    line(
        false,
        "agent.run run="
            + runId
            + " outcome=started runtime="
            + runtime
            + " repo="
            + repo
            + " "
            + leaseFields(lease)
            + " network="
            + network
            + " timeout="
            + timeout);
  }

  /** An injected run's start: no token here, the egress proxy adds it (ADR 0017). */
  public void startedInjected(
      String runtime, RepoRef repo, String proxyUser, String expires, String timeout) {
    line(
        false,
        "agent.run run="
            + runId
            + " outcome=started runtime="
            + runtime
            + " repo="
            + repo
            + " token=none credential=injected proxy_user="
            + proxyUser
            + " registration_expires="
            + expires
            + " network=proxy-only timeout="
            + timeout);
  }

  /** The injected run's end at the egress proxy: unregistered, unknown_run or error. */
  public void unregistered(String outcome) {
    line(!"unregistered".equals(outcome), "agent.inject run=" + runId + " outcome=" + outcome);
  }

  public void ended(String outcome, int exit, int revoked, int leases, long ms) {
    ended(outcome, exit, revoked, leases, ms, "");
  }

  /** The run's end line; {@code phases} is {@code jvm_ms=… explain_ms=… …} (may be empty). */
  public void ended(String outcome, int exit, int revoked, int leases, long ms, String phases) {
    line(
        !"exited".equals(outcome),
        "agent.run run="
            + runId
            + " outcome="
            + outcome
            + " exit="
            + exit
            + " revoked="
            + revoked
            + "/"
            + leases
            + " ms="
            + ms
            + (phases.isEmpty() ? "" : " " + phases));
  }

  public void credential(String action, RepoRef repo, TokenCache.Answer a) {
    line(
        false,
        "agent.credential run="
            + runId
            + " action="
            + action
            + " outcome=allowed repo="
            + repo
            + " token="
            + (a.minted() ? "minted" : "reused")
            + " "
            + leaseFields(a.lease()));
  }

  public void credentialNotOurs(String host, String repo) {
    line(
        false,
        "agent.credential run="
            + runId
            + " action=get outcome=denied reason=not_this_run host="
            + sanitize(host)
            + " repo="
            + sanitize(repo));
  }

  public void credentialErased(RepoRef repo, boolean dropped) {
    line(
        false,
        "agent.credential run="
            + runId
            + " action=erase outcome="
            + (dropped ? "erased" : "ignored")
            + " repo="
            + repo);
  }

  public void credentialRefused(String path, String why) {
    line(
        true,
        "agent.credential run="
            + runId
            + " outcome=error path="
            + sanitize(path)
            + " reason=\""
            + sanitize(why)
            + "\"");
  }

  public void revoked(Lease lease, String outcome) {
    line(
        !"revoked".equals(outcome),
        "agent.revoke run="
            + runId
            + " lease="
            + lease.leaseId()
            + " token_sha256="
            + lease.tokenSha256Prefix()
            + " outcome="
            + outcome);
  }

  public void note(String text) {
    line(false, text);
  }

  /** A lease that could not be revoked: it still dies at its expiry; says what to look up. */
  public void revokeFailed(Lease lease, String why) {
    warn("could not revoke " + lease.leaseId() + " (expires " + lease.expiresAt() + "): " + why);
  }

  public void warn(String text) {
    line(true, "warning: " + text);
  }

  private static String sanitize(String s) {
    String t = s.replaceAll("[\\p{Cntrl}\\s\"]", "_");
    return t.length() > 120 ? t.substring(0, 120) : t;
  }
}
