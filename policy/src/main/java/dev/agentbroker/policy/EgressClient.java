package dev.agentbroker.policy;

import java.util.List;
import java.util.Objects;

/** Sandbox clients in {@code cidr} run under {@code profile} and may reach the listed groups. */
public record EgressClient(Cidr cidr, Profile profile, List<String> groups) {
  public EgressClient {
    Objects.requireNonNull(cidr, "cidr");
    Objects.requireNonNull(profile, "profile");
    groups = List.copyOf(groups);
  }
}
