package dev.agentbroker.tierb.verbs;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * Derives a write from GitHub's current state, for endpoints with replace semantics where sending a
 * fixed body could undo settings someone else made (branch protection).
 */
public interface StateMerge {

  /** Whether a GET answer of {@code status} with {@code message} means "nothing is set yet". */
  boolean absent(int status, String message);

  /** Decides from the current state (empty when {@link #absent}). */
  Result merge(Optional<JsonNode> current);

  /** What to do after reading the current state. */
  sealed interface Result permits Write, Unchanged, Refuse {}

  /** Send {@code body}: it is at least as strong as the current state in every respect. */
  record Write(JsonNode body) implements Result {}

  /** Send nothing: the current state is already at least as strong. */
  record Unchanged(String detail) implements Result {}

  /** Send nothing: the merge cannot be expressed without weakening something. */
  record Refuse(String detail) implements Result {}
}
