package dev.agentbroker.policy;

import java.util.List;
import java.util.Objects;

/** Result of {@link PolicyStore#reloadIfChanged()}; problems are non-empty only on FAILED. */
public record ReloadResult(Status status, List<PolicyProblem> problems) {
  public enum Status {
    /** Content hash unchanged (or identical to a content that already failed). */
    UNCHANGED,
    /** New content compiled and is now current. */
    RELOADED,
    /** New content was unreadable or invalid; the last good policy stays current. */
    FAILED
  }

  public ReloadResult {
    Objects.requireNonNull(status, "status");
    problems = problems == null ? List.of() : List.copyOf(problems);
  }
}
