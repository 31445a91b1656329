package dev.agentbroker.broker.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentbroker.request.ErrorCode;
import dev.agentbroker.request.RequestMeta;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;

/**
 * What every resource reads the same way: a JSON object body (size-capped, duplicate keys and
 * trailing tokens refused, so a proxy and the broker can never read different values) and the
 * request metadata that goes into audit events.
 */
public final class HttpInputs {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private HttpInputs() {}

  /** The body as a JSON object, or an {@code invalid_request} problem. */
  public static JsonNode jsonObject(byte[] body, int maxBytes) {
    if (body == null || body.length == 0) {
      throw invalid("empty_body", "a JSON object body is required");
    }
    if (body.length > maxBytes) {
      throw invalid("body_too_large", "the body exceeds " + maxBytes + " bytes");
    }
    JsonNode n;
    try {
      n = MAPPER.readTree(body);
    } catch (IOException e) {
      throw invalid("malformed_json", "the body is not valid JSON");
    }
    if (n == null || !n.isObject()) {
      throw invalid("malformed_json", "the body must be a JSON object");
    }
    return n;
  }

  /**
   * Refuses a body that is not declared {@code application/json} ({@code 415
   * unsupported_media_type}). Resources call it after authenticating, instead of declaring
   * {@code @Consumes}: a JAX-RS media-type mismatch is refused while routing, before the caller is
   * known, and ADR 0019 journals the refusals of authenticated callers.
   */
  public static void requireJson(String contentType) {
    MediaType t;
    try {
      t = contentType == null ? null : MediaType.valueOf(contentType);
    } catch (IllegalArgumentException e) {
      t = null;
    }
    if (t == null
        || !"application".equalsIgnoreCase(t.getType())
        || !"json".equalsIgnoreCase(t.getSubtype())) {
      throw new ProblemException(
          ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          "unsupported_media_type",
          "send Content-Type: application/json");
    }
  }

  /** Request id and client address for audit events and decision lines. */
  public static RequestMeta meta(ContainerRequestContext ctx, HttpServerRequest http) {
    String ip = http.remoteAddress() == null ? null : http.remoteAddress().hostAddress();
    return new RequestMeta(RequestIds.of(ctx), ip);
  }

  private static ProblemException invalid(String reason, String detail) {
    return new ProblemException(ErrorCode.INVALID_REQUEST, reason, detail);
  }
}
