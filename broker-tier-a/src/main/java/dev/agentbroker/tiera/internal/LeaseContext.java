package dev.agentbroker.tiera.internal;

import java.util.List;
import java.util.Objects;

/**
 * Who a lease was issued to and for what: the part that many leases share (one agent identity mints
 * many tokens for the same owner and repositories). {@link LeaseContexts} hands out one instance
 * per distinct value, so a lease pays one reference for all five fields instead of five Strings and
 * a list of its own.
 */
public final class LeaseContext extends Pooled {
  final LeaseTarget target;
  private final String subject;
  private final int hash;

  LeaseContext(LeaseTarget target, String subject) {
    this.target = target;
    this.subject = subject;
    this.hash = 31 * target.hashCode() + Objects.hashCode(subject);
  }

  public String identityId() {
    return target.identityId;
  }

  public String issuer() {
    return target.issuer;
  }

  public String subject() {
    return subject;
  }

  public String owner() {
    return target.owner;
  }

  public List<String> repositories() {
    return target.repositories;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LeaseContext c
        && hash == c.hash
        && Objects.equals(subject, c.subject)
        && target.equals(c.target);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return "LeaseContext["
        + target.identityId
        + ", "
        + target.owner
        + ", "
        + target.repositories
        + "]";
  }
}
