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
   * The client entry for a request without proxy credentials: among the entries without a {@code
   * proxy_user}, the most specific (longest prefix) network wins, ties go to the earlier entry, so
   * a narrow override can sit next to a broad default.
   */
  public Optional<EgressClient> clientFor(InetAddress address) {
    return clientFor(address, Optional.empty());
  }

  /**
   * The client entry for a request from {@code address} that authenticated as {@code user} (empty:
   * no credentials). Only entries naming exactly that user (or, without one, naming none) are
   * candidates: credentials select an entry, they never fall back to the address-only ones.
   */
  public Optional<EgressClient> clientFor(InetAddress address, Optional<String> user) {
    EgressClient best = null;
    for (EgressClient c : clients) {
      if (c.proxyUser().equals(user)
          && c.cidr().contains(address)
          && (best == null || c.cidr().prefixLength() > best.cidr().prefixLength())) {
        best = c;
      }
    }
    return Optional.ofNullable(best);
  }

  /** True when some entry for {@code address} names a proxy user, so credentials could help. */
  public boolean credentialsAccepted(InetAddress address) {
    for (EgressClient c : clients) {
      if (c.proxyUser().isPresent() && c.cidr().contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** The proxy users named by client entries, in file order without repeats. */
  public java.util.Set<String> proxyUsers() {
    java.util.Set<String> out = new java.util.LinkedHashSet<>();
    clients.forEach(c -> c.proxyUser().ifPresent(out::add));
    return out;
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
