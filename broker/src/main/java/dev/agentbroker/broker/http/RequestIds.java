package dev.agentbroker.broker.http;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * The request id: the caller's {@code X-Request-Id} when it is short and plain (it ends up in logs
 * and audit events, so nothing else is trusted), otherwise a fresh UUID. Echoed on every answer.
 */
public final class RequestIds {
  public static final String HEADER = "X-Request-Id";
  private static final String PROPERTY = "agent-broker.request-id";
  private static final Pattern SAFE = Pattern.compile("^[A-Za-z0-9._-]{1,64}$");

  @ServerRequestFilter(preMatching = true)
  public void assign(ContainerRequestContext ctx) {
    String fromHeader = ctx.getHeaderString(HEADER);
    String id =
        fromHeader != null && SAFE.matcher(fromHeader).matches()
            ? fromHeader
            : UUID.randomUUID().toString();
    ctx.setProperty(PROPERTY, id);
  }

  @ServerResponseFilter
  public void echo(ContainerRequestContext req, ContainerResponseContext res) {
    Object id = req.getProperty(PROPERTY);
    if (id != null) {
      res.getHeaders().putSingle(HEADER, id);
    }
  }

  public static String of(ContainerRequestContext ctx) {
    Object id = ctx == null ? null : ctx.getProperty(PROPERTY);
    return id == null ? null : id.toString();
  }
}
