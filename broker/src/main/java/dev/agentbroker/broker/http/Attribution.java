package dev.agentbroker.broker.http;

import dev.agentbroker.policy.Caller;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.core.CurrentRequestManager;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;

/**
 * Who the current request was authenticated as, kept on the request so that {@link
 * PreDecisionExits} can attribute (and journal) an exit without any resource passing the caller on.
 * The authenticators record it the moment a caller is verified ({@code CallerAuthenticator}, the
 * break-glass page session); a request that never got that far has no attribution and its exit is
 * never journaled (ADR 0019).
 */
public final class Attribution {
  private static final String PROPERTY = "agent-broker.caller";

  private Attribution() {}

  /** Records {@code caller} on the request being served; outside a request it does nothing. */
  public static void record(Caller caller) {
    ResteasyReactiveRequestContext rc = CurrentRequestManager.get();
    if (rc != null) {
      rc.getContainerRequestContext().setProperty(PROPERTY, caller);
    }
  }

  /** The verified caller of this request, if authentication succeeded. */
  public static Optional<Caller> of(ContainerRequestContext ctx) {
    Object c = ctx == null ? null : ctx.getProperty(PROPERTY);
    return c instanceof Caller caller ? Optional.of(caller) : Optional.empty();
  }
}
