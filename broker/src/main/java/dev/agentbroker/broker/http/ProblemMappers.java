package dev.agentbroker.broker.http;

import dev.agentbroker.request.ErrorCode;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every error leaves as problem+json; unexpected ones without internals. Every answer goes through
 * {@link PreDecisionExits}, so an exit no tier recorded gets its decision line (and, for an
 * authenticated caller, its journal event) whichever resource or filter threw it.
 */
public final class ProblemMappers {
  private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

  @Inject PreDecisionExits exits;

  @ServerExceptionMapper
  public Response problem(ProblemException e, ContainerRequestContext ctx, HttpServerRequest http) {
    return exits.answer(e, ctx, http);
  }

  @ServerExceptionMapper
  public Response notFound(
      NotFoundException e, ContainerRequestContext ctx, HttpServerRequest http) {
    return simple(ErrorCode.NOT_FOUND, "no_such_resource", "no such resource", ctx, http);
  }

  @ServerExceptionMapper
  public Response notAllowed(
      NotAllowedException e, ContainerRequestContext ctx, HttpServerRequest http) {
    return withStatus(
        simple(ErrorCode.INVALID_REQUEST, "method_not_allowed", "method not allowed", ctx, http),
        405);
  }

  @ServerExceptionMapper
  public Response unsupported(
      NotSupportedException e, ContainerRequestContext ctx, HttpServerRequest http) {
    return simple(
        ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        "send Content-Type: application/json",
        ctx,
        http);
  }

  @ServerExceptionMapper
  public Response web(
      WebApplicationException e, ContainerRequestContext ctx, HttpServerRequest http) {
    int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
    if (status >= 500) {
      LOG.errorf("request failed: %s", e.getClass().getSimpleName());
      return simple(ErrorCode.INTERNAL, "internal_error", "internal error", ctx, http);
    }
    return withStatus(
        simple(ErrorCode.INVALID_REQUEST, "http_" + status, "bad request", ctx, http), status);
  }

  @ServerExceptionMapper
  public Response unexpected(
      RuntimeException e, ContainerRequestContext ctx, HttpServerRequest http) {
    // Log the type and the stack for operators; the message could echo input, so not to callers.
    LOG.error("unexpected error", e);
    return simple(ErrorCode.INTERNAL, "internal_error", "internal error", ctx, http);
  }

  /** The refusal with its own status, unless it became {@code 503 audit_unavailable}. */
  private static Response withStatus(Response r, int status) {
    if (r.getStatus() != ErrorCode.INVALID_REQUEST.status()) {
      return r;
    }
    return Response.fromResponse(r).status(status).build();
  }

  private Response simple(
      ErrorCode code,
      String reason,
      String detail,
      ContainerRequestContext ctx,
      HttpServerRequest http) {
    return exits.answer(new ProblemException(code, reason, detail), ctx, http);
  }
}
