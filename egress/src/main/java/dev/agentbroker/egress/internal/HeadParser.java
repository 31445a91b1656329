package dev.agentbroker.egress.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Incremental, strict parser of one request head with size limits checked as bytes arrive, so a
 * header flood is cut off at the limit rather than buffered. Strictness is deliberate: bare LF,
 * obsolete line folding, whitespace before the colon and control characters are all rejected,
 * because a proxy that reads a request differently from the origin is a smuggling vector.
 */
public final class HeadParser {

  /** Outcome of feeding bytes. */
  public sealed interface Result permits NeedMore, Complete, Reject {}

  /** The head is not complete yet. */
  public record NeedMore() implements Result {}

  /** A complete head, and any bytes the client sent after it (e.g. a pipelined TLS hello). */
  public record Complete(RequestHead head, byte[] leftover) implements Result {}

  /** The request is refused with {@code status}; {@code reason} is a stable code. */
  public record Reject(int status, String reason, String detail) implements Result {}

  private static final NeedMore NEED_MORE = new NeedMore();

  private final int maxLine;
  private final int maxHead;
  private final int maxHeaders;
  private byte[] buf = new byte[512];
  private int len;
  private int scanned;
  private int firstLineEnd = -1;

  public HeadParser(int maxLine, int maxHead, int maxHeaders) {
    this.maxLine = maxLine;
    this.maxHead = maxHead;
    this.maxHeaders = maxHeaders;
  }

  public int bufferedBytes() {
    return len;
  }

  public Result feed(byte[] chunk) {
    // Copy at most what could still be a legal head (plus the 4-byte terminator) so one huge
    // packet is never buffered whole.
    int room = maxHead + 4 - len;
    int take = Math.min(chunk.length, Math.max(room, 0));
    ensure(len + take);
    System.arraycopy(chunk, 0, buf, len, take);
    len += take;
    for (int i = Math.max(scanned, 0); i < len; i++) {
      byte c = buf[i];
      if (c == '\n' && (i == 0 || buf[i - 1] != '\r')) {
        return new Reject(400, "bad_request", "bare LF");
      }
      if (c == '\n' && firstLineEnd < 0) {
        firstLineEnd = i - 1;
        if (firstLineEnd > maxLine) {
          return new Reject(414, "request_line_too_long", "request line over " + maxLine);
        }
      }
      if (c == '\n' && i >= 3 && buf[i - 2] == '\n' && buf[i - 3] == '\r') {
        int headLen = i + 1;
        if (headLen > maxHead) {
          return new Reject(431, "header_too_large", "head over " + maxHead + " bytes");
        }
        byte[] rest = Arrays.copyOfRange(buf, headLen, len);
        if (take < chunk.length) {
          byte[] all = Arrays.copyOf(rest, rest.length + chunk.length - take);
          System.arraycopy(chunk, take, all, rest.length, chunk.length - take);
          rest = all;
        }
        return parse(headLen, rest);
      }
    }
    scanned = len;
    if (firstLineEnd < 0 && len > maxLine + 1) {
      return new Reject(414, "request_line_too_long", "request line over " + maxLine);
    }
    if (len > maxHead) {
      return new Reject(431, "header_too_large", "head over " + maxHead + " bytes");
    }
    return NEED_MORE;
  }

  private Result parse(int headLen, byte[] leftover) {
    String text;
    try {
      // UTF-8 so that internationalised host names reach IDNA; invalid sequences are refused.
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(buf, 0, headLen - 4))
              .toString();
    } catch (CharacterCodingException e) {
      return new Reject(400, "bad_request", "invalid UTF-8");
    }
    // Hand-rolled splitting and matching: String.split with a two-character separator compiles a
    // regex on every call, and this runs once per tunnel.
    int lineEnd = text.indexOf("\r\n");
    String requestLine = lineEnd < 0 ? text : text.substring(0, lineEnd);
    int sp1 = requestLine.indexOf(' ');
    int sp2 = sp1 < 0 ? -1 : requestLine.indexOf(' ', sp1 + 1);
    if (sp1 < 1
        || sp1 > 20
        || sp2 < 0
        || sp2 == sp1 + 1
        || sp2 - sp1 - 1 > 65536
        || !upperAlpha(requestLine, 0, sp1)
        || !requestLine.startsWith("HTTP/1.", sp2 + 1)
        || requestLine.length() != sp2 + 9) {
      return new Reject(400, "bad_request", "malformed request line");
    }
    char minor = requestLine.charAt(sp2 + 8);
    if (minor != '0' && minor != '1') {
      return new Reject(400, "bad_request", "malformed request line");
    }
    String target = requestLine.substring(sp1 + 1, sp2);
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c < 0x21 || c == 0x7f) {
        return new Reject(400, "bad_request", "control character in target");
      }
    }
    int fields = 0;
    for (int i = text.indexOf("\r\n"); i >= 0; i = text.indexOf("\r\n", i + 2)) {
      fields++;
    }
    if (fields > maxHeaders) {
      return new Reject(431, "header_too_large", "more than " + maxHeaders + " header fields");
    }
    List<RequestHead.Header> headers = new ArrayList<>(fields);
    int from = lineEnd < 0 ? -1 : lineEnd + 2;
    while (from >= 0) {
      int end = text.indexOf("\r\n", from);
      String line = end < 0 ? text.substring(from) : text.substring(from, end);
      from = end < 0 ? -1 : end + 2;
      int colon = line.indexOf(':');
      if (colon <= 0 || !token(line, colon)) {
        return new Reject(400, "bad_request", "malformed header field");
      }
      // Checked before trimming: strip() also drops CR, VT, FF and FS-US at the edges, which would
      // let a bare CR through (found by HeadParserFuzzTest). Only SP and HTAB are OWS (RFC 9110).
      int vs = colon + 1;
      int ve = line.length();
      for (int k = vs; k < ve; k++) {
        char c = line.charAt(k);
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
          return new Reject(400, "bad_request", "control character in header value");
        }
      }
      while (vs < ve && (line.charAt(vs) == ' ' || line.charAt(vs) == '\t')) {
        vs++;
      }
      while (ve > vs && (line.charAt(ve - 1) == ' ' || line.charAt(ve - 1) == '\t')) {
        ve--;
      }
      headers.add(new RequestHead.Header(line.substring(0, colon), line.substring(vs, ve)));
    }
    return new Complete(
        new RequestHead(requestLine.substring(0, sp1), target, minor - '0', headers), leftover);
  }

  private static boolean upperAlpha(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < 'A' || c > 'Z') {
        return false;
      }
    }
    return true;
  }

  /** RFC 9110 token characters: {@code !#$%&'*+-.^_`|~}, digits and ASCII letters. */
  private static boolean token(String s, int end) {
    for (int i = 0; i < end; i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private void ensure(int size) {
    if (size > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(size, buf.length * 2));
    }
  }
}
