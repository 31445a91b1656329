package dev.agentbroker.tierb.breakglass;

import java.util.Objects;

/**
 * A caller as break-glass sees it. {@code verifiedHuman} is set by the broker only for tokens from
 * an issuer configured as human-only; the service refuses anyone else even if a caller forgot to
 * check, so a machine identity can never request, approve or use an elevation.
 */
public record Human(String issuer, String subject, boolean verifiedHuman) {
  public Human {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(subject, "subject");
  }

  /** Same person: issuer and subject both match (a subject alone is only unique per issuer). */
  public boolean sameAs(Human other) {
    return other != null && issuer.equals(other.issuer) && subject.equals(other.subject);
  }

  /** {@code issuer|subject}, as audit details and the store show a person. */
  public String display() {
    return issuer + "|" + subject;
  }
}
