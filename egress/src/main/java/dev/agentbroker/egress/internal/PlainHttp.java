package dev.agentbroker.egress.internal;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Forwarding of one absolute-form plain-HTTP request. The request is rewritten to origin-form,
 * hop-by-hop and client-identifying headers are dropped (nothing reveals the sandbox's internal
 * address), {@code Connection: close} is forced, and only the declared body is forwarded, so the
 * client cannot slip a second request with another {@code Host} onto the upstream connection.
 */
final class PlainHttp {
  private static final Set<String> DROP =
      Set.of(
          "host",
          "connection",
          "keep-alive",
          "proxy-connection",
          "proxy-authorization",
          "proxy-authenticate",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "via",
          "forwarded",
          "x-forwarded-for",
          "x-forwarded-host",
          "x-forwarded-proto",
          "x-real-ip");

  private final byte[] head;
  private final long contentLength;
  private final int status;
  private final String problem;

  private PlainHttp(byte[] head, long contentLength, int status, String problem) {
    this.head = head;
    this.contentLength = contentLength;
    this.status = status;
    this.problem = problem;
  }

  private static PlainHttp refuse(int status, String problem) {
    return new PlainHttp(null, 0, status, problem);
  }

  static PlainHttp prepare(RequestHead req, Target target) {
    if (req.count("transfer-encoding") > 0) {
      return refuse(501, "unsupported_transfer_encoding");
    }
    long length = 0;
    if (req.count("content-length") > 1) {
      return refuse(400, "bad_content_length");
    }
    if (req.count("content-length") == 1) {
      String v = req.first("content-length").orElse("");
      if (!v.matches("[0-9]{1,15}")) {
        return refuse(400, "bad_content_length");
      }
      length = Long.parseLong(v);
    }
    Set<String> named = new HashSet<>();
    req.first("connection")
        .ifPresent(
            v -> {
              for (String n : v.split(",")) {
                named.add(n.strip().toLowerCase(Locale.ROOT));
              }
            });
    StringBuilder b = new StringBuilder(512);
    b.append(req.method()).append(' ').append(target.path()).append(" HTTP/1.1\r\nHost: ");
    b.append(target.port() == 80 ? target.host() : target.authority()).append("\r\n");
    for (RequestHead.Header h : req.headers()) {
      String n = h.lowerName();
      if (!DROP.contains(n) && !named.contains(n)) {
        b.append(h.name()).append(": ").append(h.value()).append("\r\n");
      }
    }
    b.append("Connection: close\r\n\r\n");
    return new PlainHttp(b.toString().getBytes(StandardCharsets.UTF_8), length, 0, null);
  }

  /** The rewritten request head, ready to send. */
  byte[] head() {
    return head;
  }

  /** Body bytes to forward after the head; later client bytes are not read. */
  long contentLength() {
    return contentLength;
  }

  int status() {
    return status;
  }

  String problem() {
    return problem;
  }
}
