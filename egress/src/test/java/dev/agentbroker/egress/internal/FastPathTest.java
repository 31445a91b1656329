package dev.agentbroker.egress.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The hand-rolled parsers that replaced per-request regexes must accept exactly what the regexes
 * accepted: each is compared with the original regex-based code on edge cases.
 */
class FastPathTest {
  private static final Pattern LABEL = Pattern.compile("[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?");
  private static final Pattern RAW_HOST =
      Pattern.compile("[\\p{L}\\p{M}\\p{N}._\\-\\u3002\\uFF0E\\uFF61]+");
  private static final String OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
  private static final Pattern IPV4 = Pattern.compile(OCTET + "(?:\\." + OCTET + "){3}");

  /** The normalisation as it was before the fast path: IDNA for every name. */
  static Optional<String> reference(String raw) {
    if (raw.isEmpty() || raw.length() > 1000 || !RAW_HOST.matcher(raw).matches()) {
      return Optional.empty();
    }
    String ascii;
    try {
      ascii = IDN.toASCII(raw, IDN.USE_STD3_ASCII_RULES);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    ascii = ascii.toLowerCase(Locale.ROOT);
    if (ascii.endsWith(".")) {
      ascii = ascii.substring(0, ascii.length() - 1);
    }
    if (ascii.isEmpty() || ascii.length() > 253) {
      return Optional.empty();
    }
    for (String label : ascii.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        return Optional.empty();
      }
    }
    return Optional.of(ascii);
  }

  @Test
  void nameNormalisationMatchesTheIdnaReference() {
    List<String> names = new ArrayList<>();
    names.addAll(
        List.of(
            "a",
            "A",
            "api.GitHub.com",
            "api.github.com.",
            "api.github.com..",
            ".",
            "..",
            ".a",
            "a..b",
            "-a.com",
            "a-.com",
            "a--b.com",
            "xn--bcher-kva.example",
            "XN--BCHER-KVA.example",
            "1.2.3.4",
            "0x7f.1",
            "a_b.com",
            "_a.com",
            "a b",
            "a:b",
            "a/b",
            "bücher.example",
            "BÜCHER.example",
            "a\u3002b",
            "ＡＢＣ.com",
            "例え.テスト",
            "a.-",
            "a.b-",
            "0",
            "-",
            "a.",
            "a.b.c.d.e.f.g.h",
            "\u0000a",
            "a\u200db.com"));
    names.add("a".repeat(63) + ".com");
    names.add("a".repeat(64) + ".com");
    names.add(("a".repeat(60) + ".").repeat(4) + "com");
    names.add(("a".repeat(62) + ".").repeat(4) + "c");
    names.add("b".repeat(1001));
    for (String n : names) {
      assertEquals(reference(n), Target.normaliseName(n), n);
    }
  }

  @Test
  void dottedQuadMatchesTheRegex() {
    for (String s :
        List.of(
            "0.0.0.0",
            "255.255.255.255",
            "256.1.1.1",
            "01.1.1.1",
            "1.1.1.01",
            "1.1.1",
            "1.1.1.1.",
            "1.1.1.1.1",
            "1..1.1",
            "a.1.1.1",
            "127.0.0.1",
            "10.20.30.40",
            "1.2.3.4 ",
            " 1.2.3.4",
            "1000.1.1.1",
            "99.199.249.255",
            "1.2.3.-4",
            "1.2.3.+4",
            "",
            "::1")) {
      byte[] got = Addresses.dottedQuad(s);
      if (IPV4.matcher(s).matches()) {
        String[] p = s.split("\\.");
        byte[] want = new byte[4];
        for (int i = 0; i < 4; i++) {
          want[i] = (byte) Integer.parseInt(p[i]);
        }
        assertArrayEquals(want, got, s);
      } else {
        assertNull(got, s);
      }
    }
  }

  @Test
  void numericLabelsAreDetectedLikeBefore() {
    Pattern numeric = Pattern.compile("[0-9]+|0x[0-9a-f]*");
    for (String l : List.of("1", "0", "0x", "0x7f", "0x7g", "12a", "a1", "x0", "0xff00", "00")) {
      assertEquals(numeric.matcher(l).matches(), Target.numeric(l), l);
    }
  }

  @Test
  void headerCountIsCheckedBeforeFieldSyntax() {
    // As with the regex parser: too many fields is 431 even if a later field is also malformed.
    StringBuilder b = new StringBuilder("CONNECT a.test:443 HTTP/1.1\r\n");
    for (int i = 0; i < 5; i++) {
      b.append("X-").append(i).append(": v\r\n");
    }
    b.append("bad line\r\n\r\n");
    HeadParser p = new HeadParser(4096, 16384, 4);
    HeadParser.Result r = p.feed(b.toString().getBytes(StandardCharsets.UTF_8));
    assertEquals(431, assertInstanceOf(HeadParser.Reject.class, r).status());
  }

  @Test
  void requestLineEdgeCases() {
    for (String line :
        List.of(
            "CONNECT a.test:443 HTTP/1.2",
            "CONNECT a.test:443 HTTP/1.1 ",
            "CONNECT  a.test:443 HTTP/1.1",
            "connect a.test:443 HTTP/1.1",
            "CONNECT a.test:443 HTTP/2.0",
            "CONNECT a.test:443",
            "ABCDEFGHIJKLMNOPQRSTU a HTTP/1.1",
            " CONNECT a.test:443 HTTP/1.1",
            "CONNECT a.test:443 http/1.1")) {
      HeadParser.Result r =
          new HeadParser(4096, 16384, 64)
              .feed((line + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      assertEquals(400, assertInstanceOf(HeadParser.Reject.class, r).status(), line);
    }
    HeadParser.Result ok =
        new HeadParser(4096, 16384, 64)
            .feed(
                "ABCDEFGHIJKLMNOPQRST a HTTP/1.0\r\nA: b\r\n\r\n".getBytes(StandardCharsets.UTF_8));
    RequestHead head = assertInstanceOf(HeadParser.Complete.class, ok).head();
    assertEquals("ABCDEFGHIJKLMNOPQRST", head.method());
    assertEquals(0, head.minorVersion());
    assertEquals(List.of(new RequestHead.Header("A", "b")), head.headers());
  }

  @Test
  void lineFormatterKeepsTheLayout() {
    LogRecord r = new LogRecord(Level.INFO, "egress.connect id=x");
    r.setLoggerName("dev.agentbroker.egress.decision");
    r.setInstant(Instant.parse("2026-01-02T03:04:05.006Z"));
    assertEquals(
        "2026-01-02T03:04:05.006Z INFO dev.agentbroker.egress.decision egress.connect id=x"
            + System.lineSeparator(),
        new LineFormatter().format(r));
    r.setThrown(new IllegalStateException("boom"));
    String withTrace = new LineFormatter().format(r);
    assertTrue(
        withTrace.startsWith(
            "2026-01-02T03:04:05.006Z INFO dev.agentbroker.egress.decision egress.connect id=x"
                + System.lineSeparator()
                + "java.lang.IllegalStateException: boom"),
        withTrace);
  }

  @Test
  void connectionIdsAreUniqueUuids() {
    String a = ConnectionIds.next();
    String b = ConnectionIds.next();
    assertTrue(!a.equals(b));
    assertEquals(4, java.util.UUID.fromString(a).version());
    assertEquals(2, java.util.UUID.fromString(a).variant());
  }
}
