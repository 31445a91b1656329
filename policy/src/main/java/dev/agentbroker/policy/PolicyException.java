package dev.agentbroker.policy;

import java.util.List;
import java.util.stream.Collectors;

/** A policy could not be loaded; carries every problem found, not just the first. */
public final class PolicyException extends Exception {
  private static final long serialVersionUID = 1L;

  private final List<PolicyProblem> problems;

  public PolicyException(List<PolicyProblem> problems) {
    super(render(problems));
    this.problems = List.copyOf(problems);
  }

  public List<PolicyProblem> problems() {
    return problems;
  }

  private static String render(List<PolicyProblem> problems) {
    return problems.stream().map(PolicyProblem::toString).collect(Collectors.joining("\n"));
  }
}
