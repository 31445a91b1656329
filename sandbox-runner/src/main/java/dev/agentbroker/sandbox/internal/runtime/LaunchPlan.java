package dev.agentbroker.sandbox.internal.runtime;

import java.util.List;

/**
 * How to start one sandbox: the runtime's argv (no secret in it), and the argv that removes the
 * sandbox by force when the launcher must clean up (empty when ending the process is enough).
 */
public record LaunchPlan(List<String> argv, List<String> forceRemove, List<String> signalTerm) {
  public LaunchPlan {
    argv = List.copyOf(argv);
    forceRemove = List.copyOf(forceRemove);
    signalTerm = List.copyOf(signalTerm);
  }
}
