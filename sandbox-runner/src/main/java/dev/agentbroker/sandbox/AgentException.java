package dev.agentbroker.sandbox;

import java.util.Objects;

/**
 * A refusal of the launcher: the exit code says which class of failure, the message is the one line
 * printed for the user. Messages never carry a secret (no token, no caller JWT, no proxy secret);
 * they name the setting, file or command to fix instead.
 */
public final class AgentException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient ExitCode exitCode;

  public AgentException(ExitCode exitCode, String message) {
    super(Objects.requireNonNull(message, "message"), null, false, false);
    this.exitCode = Objects.requireNonNull(exitCode, "exitCode");
  }

  public AgentException(ExitCode exitCode, String message, Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause, false, false);
    this.exitCode = Objects.requireNonNull(exitCode, "exitCode");
  }

  public ExitCode exitCode() {
    return exitCode;
  }

  /** The single line printed on standard error. */
  public String line() {
    return "agent: " + exitCode.wire() + ": " + getMessage().replace('\n', ' ');
  }
}
