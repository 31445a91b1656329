package dev.agentbroker.audit;

import java.util.Objects;
import java.util.Optional;

/**
 * Outcome of {@link JournalVerifier#verify}.
 *
 * @param verdict what was proven, or the first kind of problem found
 * @param eventsChecked records checked before stopping (all of them when intact)
 * @param unkeyedRecords records that passed as unkeyed (legacy) SHA-256 links: intact, but anyone
 *     with disk access could have rewritten them
 * @param lastSequence sequence of the last record that checked out, 0 if none
 * @param journalId the genesis record's journal id, if the genesis record is retained
 * @param checkpointSequence seq covered by the authenticated {@code checkpoint.json}, 0 if none (no
 *     key, no checkpoint, or it could not be trusted): records after it are not protected against
 *     truncation locally, only by the shipping cursor and HEC
 * @param firstProblem the first problem: segment file, line number, event_id and what broke; or the
 *     truncation, key or budget problem
 */
public record VerifyResult(
    Verdict verdict,
    long eventsChecked,
    long unkeyedRecords,
    long lastSequence,
    Optional<String> journalId,
    long checkpointSequence,
    Optional<String> firstProblem) {

  /** What the verification established. */
  public enum Verdict {
    /** Every record is keyed and authenticated, nothing is missing against cursor/checkpoint. */
    OK,
    /** Intact, but some (or all) records are unkeyed legacy links and prove nothing. */
    UNKEYED,
    /** A record was edited, removed from the middle, reordered or is unreadable. */
    BROKEN,
    /** The journal ends before the shipping cursor or the last checkpoint. */
    TRUNCATED,
    /** The records were keyed with another key than the one given. */
    WRONG_KEY,
    /** The journal is keyed and no key was given. */
    KEY_REQUIRED,
    /** The time budget ran out before every segment was checked. */
    INCOMPLETE
  }

  public VerifyResult {
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(journalId, "journalId");
    Objects.requireNonNull(firstProblem, "firstProblem");
    if (intact(verdict) == firstProblem.isPresent()) {
      throw new IllegalArgumentException("a problem must be given exactly when not intact");
    }
  }

  private static boolean intact(Verdict v) {
    return v == Verdict.OK || v == Verdict.UNKEYED;
  }

  /** True if every retained record links correctly and nothing is missing (keyed or not). */
  public boolean ok() {
    return intact(verdict);
  }

  /** True only if every record was authenticated with the key. */
  public boolean authenticated() {
    return verdict == Verdict.OK;
  }
}
