package dev.agentbroker.audit;

import java.util.Objects;
import java.util.Optional;

/**
 * Outcome of {@link JournalVerifier#verify}.
 *
 * @param ok true if every retained record links correctly
 * @param eventsChecked records checked before stopping (all of them when ok)
 * @param firstProblem the first broken link: segment file, line number, event_id and what broke
 */
public record VerifyResult(boolean ok, long eventsChecked, Optional<String> firstProblem) {
  public VerifyResult {
    Objects.requireNonNull(firstProblem, "firstProblem");
    if (ok == firstProblem.isPresent()) {
      throw new IllegalArgumentException("ok must be true exactly when there is no problem");
    }
  }
}
