package dev.agentbroker.tierb.breakglass;

import java.util.Objects;

/**
 * A caller as break-glass sees it. {@code verifiedHuman} is set by the broker only for tokens from
 * an issuer configured as human-only; the service refuses anyone else even if a caller forgot to
 * check, so a machine identity can never request, approve or use an elevation.
 *
 * @param person the stable identity of the person behind the account (the configured claim, e.g.
 *     {@code email} or an employee id, already normalised by the broker), the same for every human
 *     issuer the person signs in with; null only for grants stored before it was recorded
 */
public record Human(String issuer, String subject, String person, boolean verifiedHuman) {
  public Human {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(subject, "subject");
    if (person != null && person.isBlank()) {
      throw new IllegalArgumentException("person must be null or non-blank");
    }
  }

  /** A caller without a recorded stable identity (only the account is known). */
  public Human(String issuer, String subject, boolean verifiedHuman) {
    this(issuer, subject, null, verifiedHuman);
  }

  /** Same account: issuer and subject both match (a subject alone is only unique per issuer). */
  public boolean sameAccount(Human other) {
    return other != null && issuer.equals(other.issuer) && subject.equals(other.subject);
  }

  /**
   * Same person, for four-eyes: the same account, or the same stable identity through any issuer.
   * One person with accounts at two human issuers must not approve their own request.
   */
  public boolean samePerson(Human other) {
    if (sameAccount(other)) {
      return true;
    }
    return other != null && person != null && person.equals(other.person);
  }

  /** {@code issuer|subject}, as audit details and the store show a person. */
  public String display() {
    return issuer + "|" + subject;
  }
}
