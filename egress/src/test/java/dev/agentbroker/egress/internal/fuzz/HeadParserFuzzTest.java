package dev.agentbroker.egress.internal.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.agentbroker.egress.internal.HeadParser;
import dev.agentbroker.egress.internal.HeadParser.Complete;
import dev.agentbroker.egress.internal.HeadParser.NeedMore;
import dev.agentbroker.egress.internal.HeadParser.Reject;
import dev.agentbroker.egress.internal.HeadParser.Result;
import dev.agentbroker.egress.internal.RequestHead;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * Fuzz target for the proxy's request-head parser. Contract: any byte stream ends in exactly one of
 * need-more, a {@code Reject} with a documented status and stable reason, or a {@code Complete}
 * head; the answer does not depend on how the bytes are split into packets; an accepted head has no
 * control character except CRLF line ends and HTAB (the class promises strictness because a proxy
 * that reads a request differently from the origin is a smuggling vector), and re-serialising it
 * parses to the same head. Seeds: {@code HeadParserFuzzTestInputs/feed/}.
 */
class HeadParserFuzzTest {
  // Small limits so the fuzzer reaches every limit branch with short inputs.
  static final int MAX_LINE = 200;
  static final int MAX_HEAD = 600;
  static final int MAX_HEADERS = 12;
  private static final byte[] END = {'\r', '\n', '\r', '\n'};
  private static final Map<String, Integer> REASONS =
      Map.of("bad_request", 400, "request_line_too_long", 414, "header_too_large", 431);
  private static final Set<Character> TOKEN_EXTRA =
      Set.of('!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~');

  @FuzzTest
  @DictionaryEntries({
    "CONNECT ",
    "GET ",
    " HTTP/1.1",
    " HTTP/1.0",
    "http://",
    "Host: ",
    "Proxy-Authorization: Basic ",
    "Content-Length: ",
    "Transfer-Encoding: chunked",
    ":443"
  })
  void feed(byte[] input) {
    Result whole = new HeadParser(MAX_LINE, MAX_HEAD, MAX_HEADERS).feed(input);
    check(input, whole);
    assertSame(whole, feedInChunks(input, 1));
    assertSame(whole, feedInChunks(input, 7));
    assertSame(whole, feedInChunks(input, Math.max(1, input.length / 2)));
  }

  private static void check(byte[] input, Result r) {
    if (r instanceof NeedMore) {
      assertTrue(indexOf(input, END) < 0, "a complete head is never left waiting");
      assertTrue(input.length <= MAX_HEAD, "an over-long head is refused, not buffered");
    } else if (r instanceof Reject rej) {
      Integer status = REASONS.get(rej.reason());
      assertEquals(status, rej.status(), () -> "documented reason and status: " + rej);
    } else {
      Complete c = (Complete) r;
      int end = indexOf(input, END);
      assertTrue(end >= 0 && end + 4 <= MAX_HEAD, "a head is complete only at CRLFCRLF");
      assertArrayEquals(Arrays.copyOfRange(input, end + 4, input.length), c.leftover());
      for (int i = 0; i < end; i++) {
        int b = input[i] & 0xff;
        boolean crlf =
            (b == '\r' && input[i + 1] == '\n') || (b == '\n' && i > 0 && input[i - 1] == '\r');
        if ((b < 0x20 && b != '\t' && !crlf) || b == 0x7f) {
          fail("accepted a head with control byte 0x" + Integer.toHexString(b) + " at " + i);
        }
      }
      RequestHead h = c.head();
      assertTrue(h.method().matches("[A-Z]{1,20}"), h.method());
      assertFalse(h.target().isEmpty());
      assertTrue(h.minorVersion() == 0 || h.minorVersion() == 1);
      assertTrue(h.headers().size() <= MAX_HEADERS);
      for (RequestHead.Header f : h.headers()) {
        assertTrue(isToken(f.name()), () -> "header name is a token: " + f.name());
        String v = f.value();
        assertFalse(
            v.startsWith(" ") || v.startsWith("\t") || v.endsWith(" ") || v.endsWith("\t"),
            "values are trimmed of optional whitespace");
      }
      byte[] again = serialise(h);
      if (again.length <= MAX_HEAD) {
        Result reparsed = new HeadParser(MAX_LINE, MAX_HEAD, MAX_HEADERS).feed(again);
        Complete rc = assertInstanceOf(Complete.class, reparsed, "re-serialised head parses");
        assertEquals(h, rc.head(), "round trip");
        assertEquals(0, rc.leftover().length);
      }
    }
  }

  private static Result feedInChunks(byte[] input, int size) {
    HeadParser p = new HeadParser(MAX_LINE, MAX_HEAD, MAX_HEADERS);
    Result r = p.feed(new byte[0]);
    int fed = 0;
    while (fed < input.length && r instanceof NeedMore) {
      int to = Math.min(input.length, fed + size);
      r = p.feed(Arrays.copyOfRange(input, fed, to));
      fed = to;
    }
    if (r instanceof Complete c) {
      // Bytes of later packets were never fed; a connection would read them after the head.
      byte[] rest = Arrays.copyOf(c.leftover(), c.leftover().length + input.length - fed);
      System.arraycopy(input, fed, rest, c.leftover().length, input.length - fed);
      return new Complete(c.head(), rest);
    }
    return r;
  }

  /** Same outcome kind; the same head and leftover when complete. */
  private static void assertSame(Result expected, Result actual) {
    assertEquals(expected.getClass(), actual.getClass(), () -> expected + " vs " + actual);
    if (expected instanceof Complete e) {
      Complete a = (Complete) actual;
      assertEquals(e.head(), a.head());
      assertArrayEquals(e.leftover(), a.leftover());
    }
  }

  private static byte[] serialise(RequestHead h) {
    StringBuilder sb = new StringBuilder();
    sb.append(h.method()).append(' ').append(h.target()).append(" HTTP/1.");
    sb.append(h.minorVersion()).append("\r\n");
    for (RequestHead.Header f : h.headers()) {
      sb.append(f.name()).append(": ").append(f.value()).append("\r\n");
    }
    return sb.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
  }

  private static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (char c : s.toCharArray()) {
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || TOKEN_EXTRA.contains(c);
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
