package dev.agentbroker.broker.breakglass;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Security headers for the break-glass page. The page handles bearer tokens and shows a freshly
 * minted admin token, so it runs only its own script (no inline code, no third-party origin), may
 * not be framed, and is never cached.
 */
@ApplicationScoped
public class PageHeaders {
  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
          + " img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  void install(@Observes Router router) {
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
