package dev.agentbroker.tiera.internal;

import java.util.List;
import java.util.Objects;

/**
 * The part of a lease that does not depend on the individual run: identity, issuer, owner and
 * repositories. Interned separately from the subject, so callers whose subject is unique per run
 * still share these Strings and the list.
 */
final class LeaseTarget extends Pooled {
  final String identityId;
  final String issuer;
  final String owner;
  final List<String> repositories;
  private final int hash;

  LeaseTarget(String identityId, String issuer, String owner, List<String> repositories) {
    this.identityId = identityId;
    this.issuer = issuer;
    this.owner = owner;
    this.repositories = List.copyOf(repositories);
    this.hash = Objects.hash(identityId, issuer, owner, this.repositories);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LeaseTarget t
        && hash == t.hash
        && Objects.equals(identityId, t.identityId)
        && Objects.equals(issuer, t.issuer)
        && Objects.equals(owner, t.owner)
        && repositories.equals(t.repositories);
  }

  @Override
  public int hashCode() {
    return hash;
  }
}
