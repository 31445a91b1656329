package dev.agentbroker.policy.internal;

import dev.agentbroker.policy.PolicyException;
import dev.agentbroker.policy.PolicyProblem;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects problems so a load reports all of them at once instead of the first one. */
final class Problems {
  private final String source;
  private final List<PolicyProblem> list = new ArrayList<>();

  Problems(String source) {
    this.source = source;
  }

  void add(Wire.Loc loc, String message) {
    list.add(new PolicyProblem(source, loc.line(), loc.column(), loc.path(), message));
  }

  void add(int line, int column, String path, String message) {
    list.add(new PolicyProblem(source, line, column, path, message));
  }

  boolean isEmpty() {
    return list.isEmpty();
  }

  /** All problems in file order (the walker and compiler find them in different passes). */
  PolicyException exception() {
    List<PolicyProblem> sorted = new ArrayList<>(list);
    sorted.sort(
        Comparator.comparingInt(PolicyProblem::line).thenComparingInt(PolicyProblem::column));
    return new PolicyException(sorted);
  }
}
