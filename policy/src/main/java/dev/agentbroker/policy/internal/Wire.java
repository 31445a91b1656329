package dev.agentbroker.policy.internal;

import java.util.List;

/**
 * The policy file as written, before value validation: every scalar keeps its position so the
 * compiler can report problems precisely. A {@code null} field means the key was absent (the walker
 * has already reported it if it was required).
 */
final class Wire {
  private Wire() {}

  /** Position of a node: 1-based line and column plus the logical path. */
  record Loc(int line, int column, String path) {}

  enum Kind {
    STRING,
    INT,
    BOOL,
    NULL,
    OTHER
  }

  /** A scalar as written: raw text, the YAML-resolved kind and where it is. */
  record Scalar(String text, Kind kind, Loc loc) {}

  record Entry(Scalar key, Scalar value) {}

  record Policy(
      Scalar version,
      List<ProfileOverride> profiles,
      List<Identity> identities,
      List<Verb> verbs,
      Egress egress) {}

  record ProfileOverride(Scalar name, Scalar maxRepos, Scalar maxWriteRepos, Scalar narrow) {}

  record Identity(
      Loc loc,
      Scalar id,
      Scalar issuer,
      Scalar subject,
      List<Entry> claims,
      Scalar profile,
      List<Grant> grants) {}

  record Grant(
      Loc loc,
      int index,
      Scalar id,
      Scalar owner,
      List<Scalar> repositories,
      List<Entry> permissions,
      Scalar max) {}

  record Verb(Scalar name, List<Scalar> allowedIdentities, Scalar rate, List<Param> params) {}

  /** Exactly one of {@code values} (a list) and {@code regex} (a string) is non-null. */
  record Param(Scalar name, List<Scalar> values, Scalar regex) {}

  record Egress(List<Group> groups, List<Client> clients) {}

  record Group(Scalar name, List<Scalar> hosts) {}

  record Client(Loc loc, Scalar cidr, Scalar profile, List<Scalar> groups, Scalar proxyUser) {}
}
