package dev.agentbroker.policy;

import java.net.InetAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compiled {@code egress:} section. A policy without one yields {@link #empty()}, which allows
 * nothing.
 *
 * @param groups group name to host patterns, in file order
 * @param clients client networks in file order
 */
public record EgressPolicy(Map<String, List<HostPattern>> groups, List<EgressClient> clients) {
  public EgressPolicy {
    Map<String, List<HostPattern>> copy = new LinkedHashMap<>();
    groups.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    groups = Collections.unmodifiableMap(copy);
    clients = List.copyOf(clients);
  }

  public static EgressPolicy empty() {
    return new EgressPolicy(Map.of(), List.of());
  }

  /**
   * The client entry for a source address: the most specific (longest prefix) network wins, ties go
   * to the earlier entry, so a narrow override can sit next to a broad default.
   */
  public Optional<EgressClient> clientFor(InetAddress address) {
    EgressClient best = null;
    for (EgressClient c : clients) {
      if (c.cidr().contains(address)
          && (best == null || c.cidr().prefixLength() > best.cidr().prefixLength())) {
        best = c;
      }
    }
    return Optional.ofNullable(best);
  }

  /** True when the client's entry lists a group with a pattern matching {@code host}. */
  public boolean allows(InetAddress client, String host) {
    Optional<EgressClient> entry = clientFor(client);
    if (entry.isEmpty()) {
      return false;
    }
    for (String group : entry.get().groups()) {
      for (HostPattern p : groups.getOrDefault(group, List.of())) {
        if (p.matches(host)) {
          return true;
        }
      }
    }
    return false;
  }
}
