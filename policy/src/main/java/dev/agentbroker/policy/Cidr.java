package dev.agentbroker.policy;

import java.net.InetAddress;
import java.util.Objects;

/**
 * An IPv4 or IPv6 network. Constructed only from validated literals (never via DNS), with no host
 * bits set.
 */
public record Cidr(InetAddress network, int prefixLength) {
  public Cidr {
    Objects.requireNonNull(network, "network");
    int bits = network.getAddress().length * 8;
    if (prefixLength < 0 || prefixLength > bits) {
      throw new IllegalArgumentException("prefix length out of range: " + prefixLength);
    }
  }

  /** True when {@code address} is of the same family and inside this network. */
  public boolean contains(InetAddress address) {
    if (address == null) {
      return false;
    }
    byte[] net = network.getAddress();
    byte[] addr = address.getAddress();
    if (net.length != addr.length) {
      return false;
    }
    int full = prefixLength / 8;
    for (int i = 0; i < full; i++) {
      if (net[i] != addr[i]) {
        return false;
      }
    }
    int rest = prefixLength % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (net[full] & mask) == (addr[full] & mask);
  }

  @Override
  public String toString() {
    return network.getHostAddress() + "/" + prefixLength;
  }
}
