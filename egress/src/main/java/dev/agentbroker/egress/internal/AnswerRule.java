package dev.agentbroker.egress.internal;

import dev.agentbroker.policy.Cidr;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * Which resolved addresses a request for a name may connect to. A name not listed in {@code
 * internal_hosts} gets public addresses only. A listed one may also get private addresses (RFC
 * 1918, carrier-grade NAT, ULA) — the internal services the setting exists for — but never loopback
 * (the proxy host itself), link-local or a metadata service, nor anything else special, unless that
 * exact address is also in the group's {@code allow_ips}: an internal name whose DNS record is
 * changed to {@code 169.254.169.254} must not hand the cloud credentials to an agent.
 *
 * @param internal the host is in {@code internal_hosts} of a group that allows it on this port
 * @param allowIps the {@code allow_ips} of those groups
 */
public record AnswerRule(boolean internal, List<Cidr> allowIps) {
  /** For names no allowing group lists as internal. */
  public static final AnswerRule PUBLIC_ONLY = new AnswerRule(false, List.of());

  public AnswerRule {
    allowIps = List.copyOf(allowIps);
  }

  /** Empty when {@code a} may be connected to, else its address class (why it may not). */
  public Optional<String> refusal(InetAddress a) {
    Optional<String> cls = Addresses.special(a);
    if (cls.isEmpty() || !internal) {
      return cls;
    }
    if (cls.get().equals(Addresses.PRIVATE)) {
      return Optional.empty();
    }
    for (Cidr c : allowIps) {
      if (c.contains(a)) {
        return Optional.empty();
      }
    }
    return cls;
  }
}
