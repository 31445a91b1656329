package dev.agentbroker.tierb;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentbroker.request.ErrorCode;
import dev.agentbroker.request.Violation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What a verb call produced. */
public sealed interface VerbOutcome permits VerbOutcome.Answered, VerbOutcome.Refused {

  /**
   * A JSON answer: a completed action (201/200), a dry-run plan (200), a replay of an earlier
   * answer, or a partial failure (502 with what exists). {@code headers} carry rate-limit state.
   */
  record Answered(int status, ObjectNode body, Map<String, String> headers)
      implements VerbOutcome {}

  /** Nothing was done. */
  record Refused(
      ErrorCode code,
      String reason,
      String detail,
      List<Violation> violations,
      Optional<Duration> retryAfter,
      Map<String, String> headers)
      implements VerbOutcome {}
}
