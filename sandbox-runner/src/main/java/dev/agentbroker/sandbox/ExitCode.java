package dev.agentbroker.sandbox;

/**
 * The launcher's own exit codes, one per failure class, so scripts can tell "the policy said no"
 * from "the broker is down" without parsing text. {@code agent run} otherwise exits with the
 * sandboxed command's own code; the launcher's codes sit in the 64–77 block (BSD sysexits range)
 * plus {@code 124} for the wall clock, like {@code timeout(1)}. Every failure also prints exactly
 * one line on standard error: {@code agent: <wire>: <message>}.
 *
 * <p>The numbers and wire names are published (README, docs): append, never renumber.
 */
public enum ExitCode {
  /** Bad command line: unknown runtime or profile, malformed --repo, --permissions, duration. */
  USAGE(64, "usage"),
  /** Settings missing or invalid (AGENT_BROKER_URL, caller credential source, proxy address). */
  SETTINGS(65, "settings"),
  /** The caller JWT could not be read or produced (file missing, command failed, not a JWT). */
  CALLER_CREDENTIAL(66, "caller_credential"),
  /** The broker refused the caller credential (expired, unknown issuer, bad signature). */
  UNAUTHENTICATED(67, "unauthenticated"),
  /** The policy denies this repository or these permissions; nothing was minted. */
  POLICY_DENIED(68, "policy_denied"),
  /** The broker is unreachable, timed out, or answered that it (or GitHub) is unavailable. */
  BROKER_UNAVAILABLE(69, "broker_unavailable"),
  /** Any other broker refusal (GitHub refused the scope, rate limited, unexpected answer). */
  BROKER_REFUSED(70, "broker_refused"),
  /** The egress proxy does not accept connections; nothing was minted or started. */
  EGRESS_UNREACHABLE(71, "egress_unreachable"),
  /** The runtime is missing or cannot be used here (binary absent, root needed). */
  RUNTIME_UNAVAILABLE(72, "runtime_unavailable"),
  /** Setting up or starting the sandbox failed (network namespace, firewall, container). */
  SANDBOX_FAILED(73, "sandbox_failed"),
  /** GitHub refused a workflow dispatch (workflow or ref not found, bad inputs, no permission). */
  DISPATCH_REJECTED(74, "dispatch_rejected"),
  /** GitHub is unreachable or answered with a server error. */
  GITHUB_UNAVAILABLE(75, "github_unavailable"),
  /** {@code agent dispatch --wait}: the run finished with a conclusion other than success. */
  RUN_FAILED(76, "run_failed"),
  /**
   * {@code agent run --inject}: the egress proxy's registration API is unreachable or refused the
   * run (or its CA); nothing was started, and no token is ever handed out instead (fail closed).
   */
  INJECT_UNAVAILABLE(77, "inject_unavailable"),
  /** The wall clock ran out: the sandbox was stopped and the token revoked. */
  TIMEOUT(124, "timeout");

  private final int code;
  private final String wire;

  ExitCode(int code, String wire) {
    this.code = code;
    this.wire = wire;
  }

  /** The process exit status. */
  public int code() {
    return code;
  }

  /** The stable name printed in the error line. */
  public String wire() {
    return wire;
  }
}
