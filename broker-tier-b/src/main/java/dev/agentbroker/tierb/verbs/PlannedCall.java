package dev.agentbroker.tierb.verbs;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One GitHub call a verb will make: shown by dry runs, executed otherwise.
 *
 * @param body the body to send; for a call with a {@code merge}, the body the merge starts from
 * @param merge when present, the executor first GETs {@code path} and sends the body the merge
 *     derives from the current state instead (or nothing, when the merge says so)
 */
public record PlannedCall(
    String method, String path, JsonNode body, String purpose, StateMerge merge) {
  public PlannedCall(String method, String path, JsonNode body, String purpose) {
    this(method, path, body, purpose, null);
  }
}
