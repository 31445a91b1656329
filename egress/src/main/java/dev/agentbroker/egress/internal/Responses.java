package dev.agentbroker.egress.internal;

import io.vertx.core.buffer.Buffer;

/** Fixed error responses: a status, a machine-readable reason header and a one-line body. */
final class Responses {
  private Responses() {}

  static Buffer error(int status, String reason) {
    String body = "egress proxy: " + reason + "\n";
    return Buffer.buffer(
        "HTTP/1.1 "
            + status
            + " "
            + phrase(status)
            + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
            + body.length()
            + "\r\nX-Egress-Reason: "
            + reason
            + "\r\nConnection: close\r\n\r\n"
            + body);
  }

  static String phrase(int status) {
    switch (status) {
      case 400:
        return "Bad Request";
      case 403:
        return "Forbidden";
      case 405:
        return "Method Not Allowed";
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
