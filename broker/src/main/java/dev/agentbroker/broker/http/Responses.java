package dev.agentbroker.broker.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentbroker.request.ErrorCode;
import dev.agentbroker.request.Violation;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one renderer from outcomes to HTTP answers, used by tokens, verbs and break-glass alike. A
 * refusal becomes a problem document (RFC 9457, {@code application/problem+json}): {@code type},
 * {@code title}, {@code status}, the stable {@code code}, {@code reason}, {@code detail}, the
 * request id as {@code instance}, {@code violations}; with {@code Retry-After} in whole seconds (at
 * least 1), {@code WWW-Authenticate: Bearer} on 401 and the outcome's own headers. A success is a
 * JSON body. Neither is ever cached.
 */
public final class Responses {
  public static final String PROBLEM_JSON = "application/problem+json";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Responses() {}

  /**
   * A tier's refused outcome as the exception that ends the request ({@link ProblemMappers} renders
   * it). The tier has already written its decision line and journal event, so it is not recorded
   * again.
   */
  public static ProblemException refusal(
      ErrorCode code,
      String reason,
      String detail,
      List<Violation> violations,
      Optional<Duration> retryAfter,
      Map<String, String> headers) {
    return new ProblemException(
        code, reason, detail, violations, retryAfter.orElse(null), headers, true);
  }

  /** The problem document for {@code p}. */
  public static Response problem(ProblemException p, String requestId) {
    ObjectNode body = MAPPER.createObjectNode();
    ErrorCode code = p.code();
    body.put("type", "urn:agent-broker:problem:" + code.wire());
    body.put("title", code.title());
    body.put("status", code.status());
    body.put("code", code.wire());
    if (p.reason() != null) {
      body.put("reason", p.reason());
    }
    if (p.detail() != null) {
      body.put("detail", p.detail());
    }
    if (requestId != null) {
      body.put("instance", "urn:agent-broker:request:" + requestId);
    }
    if (!p.violations().isEmpty()) {
      ArrayNode arr = body.putArray("violations");
      for (Violation v : p.violations()) {
        arr.addObject().put("field", v.field()).put("message", v.message());
      }
    }
    Response.ResponseBuilder rb =
        Response.status(code.status()).type(PROBLEM_JSON).entity(body.toString());
    if (p.retryAfter().isPresent()) {
      long s = Math.max(1, p.retryAfter().get().toSeconds());
      rb.header("Retry-After", Long.toString(s));
    }
    if (code == ErrorCode.UNAUTHENTICATED) {
      rb.header("WWW-Authenticate", "Bearer");
    }
    p.headers().forEach(rb::header);
    return rb.header("Cache-Control", "no-store").build();
  }

  /** A JSON answer with {@code headers}, never cached. */
  public static Response json(int status, String body, Map<String, String> headers) {
    Response.ResponseBuilder rb =
        Response.status(status).type(MediaType.APPLICATION_JSON).entity(body);
    headers.forEach(rb::header);
    return rb.header("Cache-Control", "no-store").build();
  }
}
