package dev.agentbroker.egress.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;

/** Fixed responses: a status, a machine-readable reason header and a one-line body. */
final class Responses {
  private static final ByteBuf ESTABLISHED =
      Unpooled.unreleasableBuffer(
          Unpooled.directBuffer()
              .writeBytes(
                  "HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII))
              .asReadOnly());

  /** Reasons are stable codes from a small fixed set, so the encoded bytes are kept. */
  private static final ConcurrentHashMap<String, byte[]> ERRORS = new ConcurrentHashMap<>();

  private Responses() {}

  /** The 200 to a CONNECT; a view of one shared buffer, nothing to release. */
  static ByteBuf established() {
    return ESTABLISHED.duplicate();
  }

  static ByteBuf error(int status, String reason) {
    byte[] bytes = ERRORS.get(status + reason);
    if (bytes == null) {
      bytes = ERRORS.computeIfAbsent(status + reason, k -> encode(status, reason));
    }
    return Unpooled.wrappedBuffer(bytes);
  }

  private static byte[] encode(int status, String reason) {
    String body = "egress proxy: " + reason + "\n";
    return ("HTTP/1.1 "
            + status
            + " "
            + phrase(status)
            + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
            + body.length()
            + (status == 407 ? "\r\nProxy-Authenticate: Basic realm=\"egress\"" : "")
            + "\r\nX-Egress-Reason: "
            + reason
            + "\r\nConnection: close\r\n\r\n"
            + body)
        .getBytes(StandardCharsets.US_ASCII);
  }

  static String phrase(int status) {
    switch (status) {
      case 400:
        return "Bad Request";
      case 403:
        return "Forbidden";
      case 405:
        return "Method Not Allowed";
      case 407:
        return "Proxy Authentication Required";
      case 408:
        return "Request Timeout";
      case 414:
        return "URI Too Long";
      case 429:
        return "Too Many Requests";
      case 431:
        return "Request Header Fields Too Large";
      case 501:
        return "Not Implemented";
      case 502:
        return "Bad Gateway";
      case 503:
        return "Service Unavailable";
      case 504:
        return "Gateway Timeout";
      default:
        return "Error";
    }
  }
}
