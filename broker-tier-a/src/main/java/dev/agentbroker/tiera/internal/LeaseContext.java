package dev.agentbroker.tiera.internal;

import java.util.List;
import java.util.Objects;

/**
 * Who a lease was issued to and for what: the part that many leases share (one agent identity mints
 * many tokens for the same owner and repositories). {@link LeaseContexts} hands out one instance
 * per distinct value, so a lease pays one reference for all five fields instead of five Strings and
 * a list of its own.
 */
public final class LeaseContext {
  private final String identityId;
  private final String issuer;
  private final String subject;
  private final String owner;
  private final List<String> repositories;
  private final int hash;

  /** Leases holding this instance; changed only inside {@link LeaseContexts}' map operations. */
  int refs;

  LeaseContext(
      String identityId, String issuer, String subject, String owner, List<String> repositories) {
    this.identityId = identityId;
    this.issuer = issuer;
    this.subject = subject;
    this.owner = owner;
    this.repositories = List.copyOf(repositories);
    this.hash = Objects.hash(identityId, issuer, subject, owner, this.repositories);
  }

  public String identityId() {
    return identityId;
  }

  public String issuer() {
    return issuer;
  }

  public String subject() {
    return subject;
  }

  public String owner() {
    return owner;
  }

  public List<String> repositories() {
    return repositories;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LeaseContext c
        && hash == c.hash
        && Objects.equals(identityId, c.identityId)
        && Objects.equals(issuer, c.issuer)
        && Objects.equals(subject, c.subject)
        && Objects.equals(owner, c.owner)
        && repositories.equals(c.repositories);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return "LeaseContext[" + identityId + ", " + owner + ", " + repositories + "]";
  }
}
