package dev.agentbroker.audit.hec.internal.fuzz;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reproducer for what fuzzing the HEC response parser found (docs/security.md): a non-JSON answer
 * (a proxy page, splunkd's plain-text 413) is kept as a 120-character excerpt, and the excerpt was
 * cut before the token was redacted, so a receiver echoing the token near the cut left a token
 * prefix in the answer text, which goes to logs and the health endpoint.
 */
class HecAnswerFindingsTest {

  /** Junk before the echoed token, so the 120-character cut falls inside it (or just after). */
  @ParameterizedTest(name = "token echoed after {0} characters")
  @ValueSource(ints = {84, 90, 100, 111, 112, 119})
  void tokenCutByTheExcerptLeavesNoFragment(int before) throws Exception {
    byte[] input =
        ("413\n" + "x".repeat(before) + HecAnswerFuzzTest.TOKEN + " is not allowed here")
            .getBytes(StandardCharsets.UTF_8);
    // The fuzz target's own contract check: no 8-character token fragment in the answer text.
    new HecAnswerFuzzTest().answer(input);
  }
}
