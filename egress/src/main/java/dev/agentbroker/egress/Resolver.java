package dev.agentbroker.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Resolves an already validated, lower-case ASCII host name. The proxy calls it exactly once per
 * request and connects only to an address it returned and that passed the checks, so a DNS answer
 * that changes between "check" and "connect" cannot be exploited. Implementations may block: the
 * proxy calls them off the event loop.
 */
@FunctionalInterface
public interface Resolver {

  /** All addresses for {@code host}, in preference order; never empty on success. */
  List<InetAddress> resolve(String host) throws UnknownHostException;

  /** The operating system's resolver (and the JDK's positive/negative cache). */
  static Resolver system() {
    return host -> List.of(InetAddress.getAllByName(host));
  }
}
