package dev.agentbroker.egress.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Incremental, strict parser of one request head with size limits checked as bytes arrive, so a
 * header flood is cut off at the limit rather than buffered. Strictness is deliberate: bare LF,
 * obsolete line folding, whitespace before the colon and control characters are all rejected,
 * because a proxy that reads a request differently from the origin is a smuggling vector.
 */
public final class HeadParser {
  private static final Pattern REQUEST_LINE =
      Pattern.compile("([A-Z]{1,20}) ([^ ]{1,65536}) HTTP/1\\.([01])");
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

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
    String[] lines = text.split("\r\n", -1);
    Matcher m = REQUEST_LINE.matcher(lines[0]);
    if (!m.matches()) {
      return new Reject(400, "bad_request", "malformed request line");
    }
    String target = m.group(2);
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c < 0x21 || c == 0x7f) {
        return new Reject(400, "bad_request", "control character in target");
      }
    }
    if (lines.length - 1 > maxHeaders) {
      return new Reject(431, "header_too_large", "more than " + maxHeaders + " header fields");
    }
    List<RequestHead.Header> headers = new ArrayList<>(lines.length - 1);
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      int colon = line.indexOf(':');
      if (colon <= 0 || !TOKEN.matcher(line.substring(0, colon)).matches()) {
        return new Reject(400, "bad_request", "malformed header field");
      }
      String value = line.substring(colon + 1).strip();
      for (int k = 0; k < value.length(); k++) {
        char c = value.charAt(k);
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
          return new Reject(400, "bad_request", "control character in header value");
        }
      }
      headers.add(new RequestHead.Header(line.substring(0, colon), value));
    }
    return new Complete(
        new RequestHead(m.group(1), target, Integer.parseInt(m.group(3)), headers), leftover);
  }

  private void ensure(int size) {
    if (size > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(size, buf.length * 2));
    }
  }
}
