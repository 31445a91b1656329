package dev.agentbroker.sandbox.internal.net;

/**
 * The nftables rulesets the launcher loads, rendered as text with no I/O so they can be read,
 * tested with {@code nft -c} and printed.
 *
 * <p>Why the per-run rules look the way they do: the sandbox's only link is a veth pair whose host
 * end is {@code hostIf}. Connections to {@code hostAddr:visiblePort} are DNAT-ed to the egress
 * proxy (which may listen on loopback: the launcher sets {@code route_localnet} on that one link so
 * the kernel routes the rewritten packet). The input hook then accepts, from that link, only the
 * DNAT-ed proxy connection and the run's credential endpoint; everything else from the link is
 * refused (TCP reset, so tools fail fast instead of timing out), IPv6 included ({@code inet}
 * family), and nothing is forwarded to or from it. A drop in any base chain is final in nftables,
 * so another table's accept (podman's, Docker's) cannot reopen the path.
 */
public final class NftRules {
  private NftRules() {}

  /** The table name for slot {@code slot}. */
  public static String table(int slot) {
    return "agent_s" + slot;
  }

  /** The ruleset for one run. */
  public static String forRun(
      String table,
      String hostIf,
      String hostAddr,
      int visiblePort,
      String proxyIp,
      int proxyPort,
      int credentialPort) {
    return """
        table inet %1$s {
          chain prerouting {
            type nat hook prerouting priority dstnat; policy accept;
            iifname "%2$s" ip daddr %3$s tcp dport %4$d dnat ip to %5$s:%6$d
          }
          chain input {
            type filter hook input priority filter - 5; policy accept;
            iifname "%2$s" ct state established,related accept
            iifname "%2$s" ip daddr %5$s tcp dport %6$d ct status dnat accept
            %7$s
            iifname "%2$s" meta l4proto tcp reject with tcp reset
            iifname "%2$s" drop
          }
          chain forward {
            type filter hook forward priority filter - 5; policy accept;
            iifname "%2$s" drop
            oifname "%2$s" drop
          }
        }
        """
        .formatted(
            table,
            hostIf,
            hostAddr,
            visiblePort,
            proxyIp,
            proxyPort,
            // No credential endpoint (agent run --inject): only the proxy is reachable.
            credentialPort > 0
                ? "iifname \"%s\" ip daddr %s tcp dport %d accept"
                    .formatted(hostIf, hostAddr, credentialPort)
                : "# no credential endpoint");
  }

  /**
   * The rules a Docker host needs so containers on the agent network reach only the egress proxy
   * ({@code agent firewall render}): from the agent bridge, the proxy's address and port are
   * accepted (on the host itself or routed), established replies pass, everything else is dropped,
   * IPv6 included. Priority {@code filter - 10} runs before Docker's own chains.
   */
  public static String dockerHost(String bridgeIf, String subnet, String proxyIp, int proxyPort) {
    return """
        # agent firewall render: containers on %2$s (bridge %1$s) reach only the egress proxy %3$s:%4$d.
        # Load with: nft -f FILE   (remove with: nft delete table inet agent_egress)
        table inet agent_egress {
          chain input {
            type filter hook input priority filter - 10; policy accept;
            iifname "%1$s" ct state established,related accept
            iifname "%1$s" ip saddr %2$s ip daddr %3$s tcp dport %4$d accept
            iifname "%1$s" meta l4proto tcp reject with tcp reset
            iifname "%1$s" drop
          }
          chain forward {
            type filter hook forward priority filter - 10; policy accept;
            iifname "%1$s" ct state established,related accept
            iifname "%1$s" ip saddr %2$s ip daddr %3$s tcp dport %4$d accept
            iifname "%1$s" drop
            oifname "%1$s" ct state established,related accept
            oifname "%1$s" drop
          }
        }
        """
        .formatted(bridgeIf, subnet, proxyIp, proxyPort);
  }
}
