package dev.agentbroker.egress.internal.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.agentbroker.egress.internal.HeadParser;
import dev.agentbroker.egress.internal.HeadParser.Complete;
import dev.agentbroker.egress.internal.HeadParser.Reject;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reproducers for what fuzzing {@link HeadParser} found (docs/security.md). The first: a bare CR
 * (or another control character that {@link String#strip()} counts as whitespace: VT, FF, FS-US) at
 * either end of a header value was trimmed away before the control-character check, so the head was
 * accepted although the class promises to refuse control characters; an origin that reads the raw
 * bytes sees a different header than the proxy did.
 */
class HeadParserFindingsTest {

  static Stream<Arguments> controlAtValueEdge() {
    return Stream.of(
        Arguments.of("fuzz crash: trailing CR", "Proxy-Authorization: Basic YWdlbnQ6c2VjcmV0\r"),
        Arguments.of("leading CR", "X-A: \rvalue"),
        Arguments.of("trailing vertical tab", "X-A: value\u000b"),
        Arguments.of("leading form feed", "X-A: \u000cvalue"),
        Arguments.of("trailing unit separator", "X-A: value\u001f"),
        Arguments.of("file separator only", "X-A: \u001c"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("controlAtValueEdge")
  void controlCharacterAtValueEdgeIsRefused(String name, String field) {
    String head = "CONNECT api.github.com:443 HTTP/1.1\r\n" + field + "\r\n\r\n";
    Reject r =
        assertInstanceOf(
            Reject.class, parse(head), "a control character must be refused wherever it is");
    assertEquals(400, r.status());
    assertEquals("bad_request", r.reason());
  }

  static Stream<Arguments> optionalWhitespace() {
    return Stream.of(
        Arguments.of("spaces", "X-A:   value  ", "value"),
        Arguments.of("tabs", "X-A:\tvalue\t", "value"),
        Arguments.of("inner whitespace kept", "X-A: a \t b", "a \t b"),
        Arguments.of("non-ASCII space is content, not OWS", "X-A: \u2003value", "\u2003value"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("optionalWhitespace")
  void onlySpaceAndTabAreTrimmed(String name, String field, String value) {
    String head = "CONNECT api.github.com:443 HTTP/1.1\r\n" + field + "\r\n\r\n";
    Complete c = assertInstanceOf(Complete.class, parse(head));
    assertEquals(value, c.head().first("X-A").orElseThrow());
  }

  private static HeadParser.Result parse(String head) {
    return new HeadParser(8192, 65536, 100).feed(head.getBytes(StandardCharsets.UTF_8));
  }
}
