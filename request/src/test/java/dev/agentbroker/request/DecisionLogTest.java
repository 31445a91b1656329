package dev.agentbroker.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.audit.Outcomes;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class DecisionLogTest {

  @Test
  void linesStartWithActionOutcomeReasonThenRuleAndFieldsInOrder() {
    String line =
        DecisionLog.of("token.mint", Outcomes.ALLOWED, "allowed", "grant/acme-svc")
            .with(DecisionLog.IDENTITY, "ci-deployer")
            .with(DecisionLog.LATENCY_MS, 3)
            .render();
    assertEquals(
        "action=token.mint outcome=allowed reason=allowed rule=grant/acme-svc"
            + " identity=ci-deployer latency_ms=3",
        line);
  }

  @ParameterizedTest(name = "outcome word {0} is refused")
  @ValueSource(strings = {"allow", "deny", "ALLOW", "DENY", "ok", ""})
  void onlyTheJournalsOutcomeWordsAreAccepted(String word) {
    assertThrows(IllegalArgumentException.class, () -> DecisionLog.of("x", word, "r"));
  }

  @Test
  void nullValuesAreLeftOut() {
    assertEquals(
        "action=a outcome=denied reason=r",
        DecisionLog.of("a", Outcomes.DENIED, "r").with("detail", null).render());
  }

  static Stream<Arguments> quoting() {
    return Stream.of(
        Arguments.of("plain", "k=plain"),
        Arguments.of("", "k=\"\""),
        Arguments.of("two words", "k=\"two words\""),
        Arguments.of("a=b", "k=\"a=b\""),
        Arguments.of("say \"hi\"", "k=\"say \\\"hi\\\"\""),
        Arguments.of("back\\slash x", "k=\"back\\\\slash x\""),
        Arguments.of("line\nforged=1", "k=\"line forged=1\""),
        Arguments.of("c1\u0085next\u009b", "k=\"c1 next \""),
        Arguments.of("del\u007f", "k=\"del \""),
        Arguments.of("caf\u00e9", "k=\"caf\u00e9\""));
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("quoting")
  void valuesAreQuotedSoALineIsOneRecordWithNoForgedFields(String value, String expected) {
    String line = DecisionLog.of("a", Outcomes.ERROR, "r").with("k", value).render();
    assertEquals("action=a outcome=error reason=r " + expected, line);
    assertFalse(line.contains("\n"));
  }

  @Test
  void credentialShapedValuesAreScrubbed() {
    String token = "ghs_" + "A".repeat(36);
    String line = DecisionLog.of("a", Outcomes.DENIED, "r").with("detail", "see " + token).render();
    assertFalse(line.contains(token), line);
    assertTrue(line.contains("[redacted sha256:"), line);
  }
}
