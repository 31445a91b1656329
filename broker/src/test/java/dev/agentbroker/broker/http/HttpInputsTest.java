package dev.agentbroker.broker.http;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.agentbroker.request.ErrorCode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The content-type check the body-taking routes run after authenticating (ADR 0019). */
class HttpInputsTest {

  @ParameterizedTest
  @ValueSource(
      strings = {"application/json", "application/json; charset=utf-8", "Application/JSON"})
  void jsonIsAccepted(String type) {
    assertDoesNotThrow(() -> HttpInputs.requireJson(type));
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(
      strings = {
        "",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/jsonx",
        "application/problem+json",
        "text/json",
        "application",
        ";;;"
      })
  void anythingElseIsUnsupported(String type) {
    ProblemException e = assertThrows(ProblemException.class, () -> HttpInputs.requireJson(type));
    assertEquals(ErrorCode.UNSUPPORTED_MEDIA_TYPE, e.code());
    assertEquals("unsupported_media_type", e.reason());
    assertEquals(false, e.recorded(), "an exit of the HTTP layer, recorded by PreDecisionExits");
  }
}
