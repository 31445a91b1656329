package dev.agentbroker.policy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Sandbox clients in {@code cidr} run under {@code profile} and may reach the listed groups.
 *
 * @param proxyUser when present, the entry applies only to requests that authenticated to the
 *     egress proxy as this user (and come from {@code cidr}); when empty, only to requests without
 *     proxy credentials
 */
public record EgressClient(
    Cidr cidr, Profile profile, List<String> groups, Optional<String> proxyUser) {
  public EgressClient {
    Objects.requireNonNull(cidr, "cidr");
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(proxyUser, "proxyUser");
    groups = List.copyOf(groups);
  }

  /** An entry selected by source address alone. */
  public EgressClient(Cidr cidr, Profile profile, List<String> groups) {
    this(cidr, profile, groups, Optional.empty());
  }
}
