package dev.agentbroker.tierb.verbs;

import dev.agentbroker.request.Violation;
import java.util.List;

/** The verb's parameters do not match its schema; every violation is listed. */
public final class VerbInputException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient List<Violation> violations;

  public VerbInputException(List<Violation> violations) {
    super("invalid verb parameters: " + violations.size() + " problem(s)");
    this.violations = List.copyOf(violations);
  }

  public List<Violation> violations() {
    return violations;
  }
}
