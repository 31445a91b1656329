package dev.agentbroker.sandbox.internal.cli;

import dev.agentbroker.sandbox.AgentException;
import dev.agentbroker.sandbox.ExitCode;
import dev.agentbroker.sandbox.internal.net.NftRules;
import dev.agentbroker.sandbox.internal.settings.HostPort;
import dev.agentbroker.sandbox.internal.settings.SubnetPool;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "firewall",
    mixinStandardHelpOptions = true,
    description = "Firewall rules for hosts the launcher does not manage.",
    subcommands = {FirewallCommand.Render.class})
final class FirewallCommand {
  @Command(
      name = "render",
      mixinStandardHelpOptions = true,
      description =
          "Print the nftables ruleset a Docker host needs so containers on the agent network reach only the egress proxy. Check it with 'nft -c -f FILE', load it with 'nft -f FILE'.")
  static final class Render implements Callable<Integer> {
    @Option(
        names = "--bridge",
        required = true,
        paramLabel = "IFNAME",
        description =
            "The agent network's bridge interface (docker network inspect: com.docker.network.bridge.name).")
    String bridge;

    @Option(
        names = "--subnet",
        required = true,
        paramLabel = "CIDR",
        description = "The agent network's IPv4 subnet.")
    String subnet;

    @Option(
        names = "--proxy",
        required = true,
        paramLabel = "IP:PORT",
        description = "The egress proxy as the containers reach it.")
    String proxy;

    private final Context ctx;

    Render(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      if (!bridge.matches("[A-Za-z0-9_.-]{1,15}")) {
        throw new AgentException(
            ExitCode.USAGE,
            "--bridge '" + bridge + "' is not an interface name (1-15 of letters, digits, _ . -)");
      }
      SubnetPool net;
      HostPort p;
      try {
        net = SubnetPool.parseAny(subnet);
        p = HostPort.parse(proxy);
      } catch (IllegalArgumentException e) {
        throw new AgentException(ExitCode.USAGE, e.getMessage());
      }
      if (!SubnetPool.isDottedQuad(p.host())) {
        throw new AgentException(
            ExitCode.USAGE,
            "--proxy must be an IPv4 address and port (e.g. 172.30.0.1:3128), not '"
                + p.host()
                + "'");
      }
      ctx.out().print(NftRules.dockerHost(bridge, net.toString(), p.host(), p.port()));
      ctx.out().flush();
      return 0;
    }
  }
}
