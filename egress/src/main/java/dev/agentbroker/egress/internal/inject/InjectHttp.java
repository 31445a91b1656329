package dev.agentbroker.egress.internal.inject;

import dev.agentbroker.egress.internal.inject.InjectRouter.Credential;
import dev.agentbroker.egress.internal.inject.TokenSource.Lease;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/** Header hygiene, the credential header and refusal answers of intercepted requests. */
final class InjectHttp {
  private InjectHttp() {}

  /**
   * The request as it goes upstream: HTTP/1.1, the client's headers scrubbed, {@code Host} the
   * CONNECT authority, and the run's token when {@code lease} is set.
   */
  static HttpRequest upstreamRequest(
      HttpRequest req, String host, int port, Credential kind, Lease lease) {
    HttpRequest out = new DefaultHttpRequest(HttpVersion.HTTP_1_1, req.method(), req.uri());
    out.headers().set(req.headers());
    scrub(out.headers());
    out.headers().set(HttpHeaderNames.HOST, port == 443 ? host : host + ":" + port);
    if (lease != null) {
      out.headers().set(HttpHeaderNames.AUTHORIZATION, credential(kind, lease));
    }
    return out;
  }

  static String credential(Credential kind, Lease lease) {
    if (kind == Credential.BASIC) {
      String pair = "x-access-token:" + lease.token();
      return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }
    return "Bearer " + lease.token();
  }

  /**
   * A refusal: problem-like JSON with the stable reason as {@code code} (also in {@code
   * X-Egress-Reason}), and {@code Connection: close}.
   */
  static FullHttpResponse problem(int status, String reason) {
    byte[] body =
        ("{\"type\":\"about:blank\",\"title\":\"Refused by the egress proxy\",\"status\":"
                + status
                + ",\"code\":\""
                + reason
                + "\"}\n")
            .getBytes(StandardCharsets.UTF_8);
    FullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(body));
    r.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "application/problem+json")
        .set("X-Egress-Reason", reason)
        .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set(HttpHeaderNames.CONNECTION, "close");
    return r;
  }

  /**
   * Drops what the sandbox must not decide upstream: any credential it sent, proxy and forwarding
   * headers, hop-by-hop headers and those its {@code Connection} names, and {@code Expect}
   * (answered by the proxy).
   */
  static void scrub(HttpHeaders h) {
    for (String named : h.getAll(HttpHeaderNames.CONNECTION)) {
      for (String n : named.split(",")) {
        if (!n.isBlank()) {
          h.remove(n.trim());
        }
      }
    }
    h.remove(HttpHeaderNames.CONNECTION)
        .remove(HttpHeaderNames.AUTHORIZATION)
        .remove(HttpHeaderNames.PROXY_AUTHORIZATION)
        .remove(HttpHeaderNames.PROXY_AUTHENTICATE)
        .remove("Proxy-Connection")
        .remove(HttpHeaderNames.KEEP_ALIVE)
        .remove(HttpHeaderNames.TE)
        .remove(HttpHeaderNames.UPGRADE)
        .remove(HttpHeaderNames.EXPECT)
        .remove("Forwarded")
        .remove(HttpHeaderNames.VIA)
        .remove("X-Real-IP");
    for (String name : List.copyOf(h.names())) {
      if (name.toLowerCase(Locale.ROOT).startsWith("x-forwarded-")) {
        h.remove(name);
      }
    }
  }
}
