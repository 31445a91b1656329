package dev.agentbroker.broker.http;

import dev.agentbroker.request.ErrorCode;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error leaves as problem+json; unexpected ones without internals. */
public final class ProblemMappers {
  private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

  @ServerExceptionMapper
  public Response problem(ProblemException e, ContainerRequestContext ctx) {
    return Responses.problem(e, RequestIds.of(ctx));
  }

  @ServerExceptionMapper
  public Response notFound(NotFoundException e, ContainerRequestContext ctx) {
    return simple(ErrorCode.NOT_FOUND, "no_such_resource", "no such resource", ctx);
  }

  @ServerExceptionMapper
  public Response notAllowed(NotAllowedException e, ContainerRequestContext ctx) {
    return Response.fromResponse(
            simple(ErrorCode.INVALID_REQUEST, "method_not_allowed", "method not allowed", ctx))
        .status(405)
        .build();
  }

  @ServerExceptionMapper
  public Response unsupported(NotSupportedException e, ContainerRequestContext ctx) {
    return simple(
        ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        "send Content-Type: application/json",
        ctx);
  }

  @ServerExceptionMapper
  public Response web(WebApplicationException e, ContainerRequestContext ctx) {
    int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
    if (status >= 500) {
      LOG.errorf("request failed: %s", e.getClass().getSimpleName());
      return simple(ErrorCode.INTERNAL, "internal_error", "internal error", ctx);
    }
    return Response.fromResponse(
            simple(ErrorCode.INVALID_REQUEST, "http_" + status, "bad request", ctx))
        .status(status)
        .build();
  }

  @ServerExceptionMapper
  public Response unexpected(RuntimeException e, ContainerRequestContext ctx) {
    // Log the type and the stack for operators; the message could echo input, so not to callers.
    LOG.error("unexpected error", e);
    return simple(ErrorCode.INTERNAL, "internal_error", "internal error", ctx);
  }

  private static Response simple(
      ErrorCode code, String reason, String detail, ContainerRequestContext ctx) {
    return Responses.problem(new ProblemException(code, reason, detail), RequestIds.of(ctx));
  }
}
