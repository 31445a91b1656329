package dev.agentbroker.tierb.breakglass;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentbroker.request.ErrorCode;
import dev.agentbroker.request.Violation;
import dev.agentbroker.tiera.github.InstallationToken;
import java.util.List;
import java.util.Optional;

/** What a break-glass step produced. */
public sealed interface BreakGlassOutcome
    permits BreakGlassOutcome.Done, BreakGlassOutcome.Used, BreakGlassOutcome.Refused {

  /** The step took effect (request, approve, deny); {@code grant} is the new state. */
  record Done(Grant grant) implements BreakGlassOutcome {}

  /**
   * The grant was used. For {@code installation-token} the token is here and nowhere else: it is
   * shown to the requester once and never stored. For {@code verb}, {@code verbResult} lists the
   * GitHub steps.
   */
  record Used(Grant grant, Optional<InstallationToken> token, Optional<ObjectNode> verbResult)
      implements BreakGlassOutcome {}

  /** Nothing changed. {@code reason} is a stable machine-readable word. */
  record Refused(ErrorCode code, String reason, String detail, List<Violation> violations)
      implements BreakGlassOutcome {
    public Refused {
      violations = List.copyOf(violations);
    }

    static Refused of(ErrorCode code, String reason, String detail) {
      return new Refused(code, reason, detail, List.of());
    }
  }
}
