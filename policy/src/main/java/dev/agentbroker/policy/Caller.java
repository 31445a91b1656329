package dev.agentbroker.policy;

import java.util.Map;
import java.util.Objects;

/**
 * A verified caller: issuer and subject of an already-validated OIDC token plus its string claims.
 * The policy module never verifies signatures; it only matches what it is given.
 */
public record Caller(String issuer, String subject, Map<String, String> claims) {
  public Caller {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(subject, "subject");
    claims = claims == null ? Map.of() : Map.copyOf(claims);
  }

  /** Caller without extra claims. */
  public static Caller of(String issuer, String subject) {
    return new Caller(issuer, subject, Map.of());
  }
}
