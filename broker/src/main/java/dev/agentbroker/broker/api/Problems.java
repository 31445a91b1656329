package dev.agentbroker.broker.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentbroker.request.ErrorCode;
import dev.agentbroker.request.Violation;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** Renders problem documents (RFC 9457, {@code application/problem+json}). */
public final class Problems {
  public static final String MEDIA_TYPE = "application/problem+json";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Problems() {}

  public static Response response(ProblemException p, String requestId) {
    return response(p.code(), p.reason(), p.detail(), p.violations(), requestId, p);
  }

  public static Response response(
      ErrorCode code,
      String reason,
      String detail,
      List<Violation> violations,
      String requestId,
      ProblemException source) {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("type", "urn:agent-broker:problem:" + code.wire());
    body.put("title", code.title());
    body.put("status", code.status());
    body.put("code", code.wire());
    if (reason != null) {
      body.put("reason", reason);
    }
    if (detail != null) {
      body.put("detail", detail);
    }
    if (requestId != null) {
      body.put("instance", "urn:agent-broker:request:" + requestId);
    }
    if (!violations.isEmpty()) {
      ArrayNode arr = body.putArray("violations");
      for (Violation v : violations) {
        arr.addObject().put("field", v.field()).put("message", v.message());
      }
    }
    Response.ResponseBuilder rb =
        Response.status(code.status()).type(MEDIA_TYPE).entity(body.toString());
    if (source != null && source.retryAfter().isPresent()) {
      long s = Math.max(1, source.retryAfter().get().toSeconds());
      rb.header("Retry-After", Long.toString(s));
    }
    if (code == ErrorCode.UNAUTHENTICATED) {
      rb.header("WWW-Authenticate", "Bearer");
    }
    return rb.header("Cache-Control", "no-store").build();
  }
}
