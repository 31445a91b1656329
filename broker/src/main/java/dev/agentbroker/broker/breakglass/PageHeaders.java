package dev.agentbroker.broker.breakglass;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Security headers for the break-glass page. The page handles bearer tokens and shows a freshly
 * minted admin token, so it runs only its own script (no inline code, no third-party origin), may
 * not be framed, and is never cached.
 *
 * <p>With SSO sign-in ({@code sign-in=oidc}) Swagger UI is not served at all: it is third-party
 * script on the same origin as the session cookie, and any flaw in it could drive the page's
 * session (read the CSRF token from {@code /breakglass/session} and post with it). The OpenAPI
 * document itself ({@code /q/openapi}) stays: it is data, not a page.
 */
@ApplicationScoped
public class PageHeaders {
  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
          + " img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  @Inject BreakGlassConfig config;

  void install(@Observes Router router) {
    if ("oidc".equalsIgnoreCase(config.signIn().strip())) {
      router
          .route("/q/swagger-ui*")
          .order(-10)
          .handler(
              rc -> rc.response().setStatusCode(404).putHeader("Cache-Control", "no-store").end());
    }
    router
        .route("/breakglass/*")
        .order(-10)
        .handler(
            rc -> {
              rc.response()
                  .putHeader("Content-Security-Policy", CSP)
                  .putHeader("X-Content-Type-Options", "nosniff")
                  .putHeader("X-Frame-Options", "DENY")
                  .putHeader("Referrer-Policy", "no-referrer")
                  .putHeader("Cache-Control", "no-store");
              rc.next();
            });
  }
}
