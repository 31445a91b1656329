package dev.agentbroker.audit.hec.internal.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.agentbroker.audit.hec.HecConfig;
import dev.agentbroker.audit.hec.internal.HecClient;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/**
 * Fuzz target for the HEC response parser ({@code HecClient.answer}, private: reached by reflection
 * so the fuzzer sees exactly what {@code send} and {@code health} see). Input: a first line {@code
 * <status> [<Retry-After>]}, then the body. Contract: never throws; the status is kept; {@code
 * Retry-After} is honoured only as 1-6 digits; the text is short or comes from the JSON {@code
 * text} field; and no fragment (8+ characters) of the HEC token reaches the text unless the
 * receiver itself sent that fragment (the text ends up in logs and health output). Seeds: {@code
 * HecAnswerFuzzTestInputs/answer/}.
 */
class HecAnswerFuzzTest {
  static final String TOKEN = "7d0c8f2e-3b1a-4c5d-9e6f-0a1b2c3d4e5f";
  private static final HecClient CLIENT;
  private static final Method ANSWER;

  static {
    try {
      CLIENT = new HecClient(HecConfig.builder(URI.create("http://127.0.0.1:9"), TOKEN).build());
      ANSWER = HecClient.class.getDeclaredMethod("answer", HttpResponse.class);
      ANSWER.setAccessible(true);
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @FuzzTest
  @DictionaryEntries({
    TOKEN,
    "{\"text\":\"Success\",\"code\":0}",
    "\"ackId\":",
    "\"invalid-event-number\":",
    "\"code\":",
    "\"text\":",
    "<html>"
  })
  void answer(byte[] input) throws Exception {
    int nl = indexOf(input, (byte) '\n');
    String first = new String(input, 0, Math.max(nl, 0), StandardCharsets.UTF_8);
    byte[] body = nl < 0 ? input : Arrays.copyOfRange(input, nl + 1, input.length);
    String[] parts = first.split(" ", 2);
    int status = parseStatus(parts[0]);
    Optional<String> retryAfter =
        parts.length > 1 && !parts[1].isEmpty() ? Optional.of(parts[1]) : Optional.empty();
    // HttpHeaders.of trims values like String.trim() (every char up to U+0020, NUL included), as
    // the JDK client's headers are; the parser sees the trimmed value.
    Optional<String> seen = retryAfter.map(String::trim);

    HecClient.Answer a = invoke(new FakeResponse(status, retryAfter, body));

    assertEquals(status, a.status());
    assertNotNull(a.text());
    if (seen.isPresent() && seen.get().matches("\\d{1,6}")) {
      assertEquals(Duration.ofSeconds(Long.parseLong(seen.get())), a.retryAfter());
    } else {
      assertNull(a.retryAfter(), "a malformed Retry-After is ignored");
    }
    String sent = new String(body, StandardCharsets.UTF_8);
    if (sent.indexOf('\\') < 0) {
      // Without JSON escapes every character of the text was sent literally, so a token fragment
      // in the text that the body does not hold outside whole-token echoes was cut by us.
      String sentWithoutToken = sent.replace(TOKEN, "\u0000");
      for (int i = 0; i + 8 <= TOKEN.length(); i++) {
        String fragment = TOKEN.substring(i, i + 8);
        if (a.text().contains(fragment)) {
          assertTrue(
              sentWithoutToken.contains(fragment),
              () -> "token fragment leaked into the answer text: " + a.text());
        }
      }
    }
    assertFalse(a.text().contains(TOKEN), "the token is redacted");
  }

  private static HecClient.Answer invoke(HttpResponse<byte[]> r) throws Exception {
    try {
      return (HecClient.Answer) ANSWER.invoke(CLIENT, r);
    } catch (InvocationTargetException e) {
      // Unwrap so the fuzzer reports the parser's own exception, not the reflection wrapper.
      if (e.getCause() instanceof Exception x) {
        throw x;
      }
      throw (Error) e.getCause();
    }
  }

  private static int parseStatus(String s) {
    try {
      int v = Integer.parseInt(s.strip());
      return v >= 100 && v <= 599 ? v : 200;
    } catch (NumberFormatException e) {
      return 200;
    }
  }

  private static int indexOf(byte[] b, byte x) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == x) {
        return i;
      }
    }
    return -1;
  }

  /** The parts of an HTTP response the parser reads; the rest is never called. */
  private record FakeResponse(int status, Optional<String> retryAfter, byte[] body)
      implements HttpResponse<byte[]> {
    @Override
    public int statusCode() {
      return status;
    }

    @Override
    public HttpHeaders headers() {
      Map<String, List<String>> h =
          retryAfter.map(v -> Map.of("Retry-After", List.of(v))).orElse(Map.of());
      return HttpHeaders.of(h, (k, v) -> true);
    }

    @Override
    public byte[] body() {
      return body;
    }

    @Override
    public HttpRequest request() {
      return HttpRequest.newBuilder(URI.create("http://127.0.0.1:9/services/collector/event"))
          .build();
    }

    @Override
    public Optional<HttpResponse<byte[]>> previousResponse() {
      return Optional.empty();
    }

    @Override
    public Optional<SSLSession> sslSession() {
      return Optional.empty();
    }

    @Override
    public URI uri() {
      return request().uri();
    }

    @Override
    public HttpClient.Version version() {
      return HttpClient.Version.HTTP_1_1;
    }
  }
}
