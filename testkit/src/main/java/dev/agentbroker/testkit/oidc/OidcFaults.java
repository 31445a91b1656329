package dev.agentbroker.testkit.oidc;

/** Failures of the issuer a verifier must survive. Thread-safe; toggled while requests run. */
public final class OidcFaults {
  private volatile boolean jwksDown;

  OidcFaults() {}

  /** While on, {@code GET /.well-known/jwks} answers 503; discovery and tokens keep working. */
  public void jwksDown(boolean down) {
    jwksDown = down;
  }

  boolean jwksDown() {
    return jwksDown;
  }
}
