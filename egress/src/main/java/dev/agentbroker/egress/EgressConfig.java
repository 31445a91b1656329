package dev.agentbroker.egress;

import dev.agentbroker.policy.Cidr;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Proxy settings (the egress module's own file; the allowlist groups and clients come from the
 * shared policy file). Built by {@code EgressConfigs.parse}; see the module README for every key.
 *
 * @param listen proxy listen addresses; explicit IP literals, never a wildcard unless {@code
 *     allowWildcardListen}
 * @param metricsListen Prometheus endpoint address, empty to disable
 * @param policyFile the shared policy file (its {@code egress:} section), empty for the embedded
 *     default allowlist
 * @param reloadInterval how often the policy and settings files are checked for changes
 * @param auditDirectory journal directory, empty to log decisions without a journal
 * @param transport {@code auto} (native epoll where it loads, else NIO), {@code epoll} or {@code
 *     nio}
 * @param auditQueue bound on audit events waiting for an appender; beyond it events are dropped
 *     loudly and counted
 * @param eventLoops Netty event loops
 * @param allowWildcardListen explicit opt-in to listen on 0.0.0.0 or ::
 * @param limits request and connection limits
 * @param groups egress-only per-group settings keyed by policy group name
 * @param proxyUsers proxy user name to the lower-case hex SHA-256 of its secret (one, or two while
 *     a secret is rotated), for policy client entries with a {@code proxy_user}; secrets must be
 *     random (at least 128 bits), which is why a fast hash is enough
 */
public record EgressConfig(
    List<InetSocketAddress> listen,
    Optional<InetSocketAddress> metricsListen,
    Optional<Path> policyFile,
    Duration reloadInterval,
    Optional<Path> auditDirectory,
    String transport,
    int auditQueue,
    int eventLoops,
    boolean allowWildcardListen,
    Limits limits,
    Map<String, GroupSettings> groups,
    Map<String, List<String>> proxyUsers) {

  public EgressConfig {
    listen = List.copyOf(listen);
    Objects.requireNonNull(metricsListen, "metricsListen");
    Objects.requireNonNull(policyFile, "policyFile");
    Objects.requireNonNull(reloadInterval, "reloadInterval");
    Objects.requireNonNull(auditDirectory, "auditDirectory");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(transport, "transport");
    groups = java.util.Collections.unmodifiableMap(new TreeMap<>(groups));
    TreeMap<String, List<String>> users = new TreeMap<>();
    proxyUsers.forEach((k, v) -> users.put(k, List.copyOf(v)));
    proxyUsers = java.util.Collections.unmodifiableMap(users);
  }

  /** Settings of one policy group that the shared policy format has no place for. */
  public record GroupSettings(
      List<Integer> ports, List<String> internalHosts, List<Cidr> allowIps) {
    /** Port 443 only, no internal hosts, no IP literals: what a group gets when not listed. */
    public static final GroupSettings DEFAULT =
        new GroupSettings(List.of(443), List.of(), List.of());

    public GroupSettings {
      ports = List.copyOf(ports);
      internalHosts = List.copyOf(internalHosts);
      allowIps = List.copyOf(allowIps);
    }
  }

  /**
   * Connection limits.
   *
   * @param maxRequestLineBytes request line without CRLF (414 beyond)
   * @param maxHeaderBytes whole request head including the request line (431 beyond)
   * @param maxHeaders header field count (431 beyond)
   * @param handshakeTimeout from accept until the request head is complete (408 after)
   * @param connectTimeout TCP connect to the origin
   * @param resolveTimeout DNS resolution
   * @param idleTimeout a connection with no bytes in either direction is closed
   * @param maxTunnelLifetime any tunnel is closed after this long
   * @param maxTunnelsPerClient concurrent connections (handshaking or tunnelling) per source
   *     address
   * @param maxTunnelsTotal concurrent connections overall
   */
  public record Limits(
      int maxRequestLineBytes,
      int maxHeaderBytes,
      int maxHeaders,
      Duration handshakeTimeout,
      Duration connectTimeout,
      Duration resolveTimeout,
      Duration idleTimeout,
      Duration maxTunnelLifetime,
      int maxTunnelsPerClient,
      int maxTunnelsTotal) {

    public static final Limits DEFAULTS =
        new Limits(
            4096,
            16384,
            64,
            Duration.ofSeconds(10),
            Duration.ofSeconds(10),
            Duration.ofSeconds(5),
            Duration.ofMinutes(5),
            Duration.ofHours(1),
            256,
            4096);
  }

  public GroupSettings group(String name) {
    return groups.getOrDefault(name, GroupSettings.DEFAULT);
  }
}
