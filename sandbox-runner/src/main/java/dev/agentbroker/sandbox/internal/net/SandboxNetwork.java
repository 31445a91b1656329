package dev.agentbroker.sandbox.internal.net;

import dev.agentbroker.sandbox.AgentException;
import dev.agentbroker.sandbox.ExitCode;
import dev.agentbroker.sandbox.internal.settings.SubnetPool;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A network namespace whose only way out is the egress proxy (shared/sandbox-runtimes.md's netns +
 * veth + nft recipe): created before the sandbox starts, torn down after it ends.
 *
 * <p>Steps, in order; any failure undoes the earlier ones and refuses the run (exit 73):
 *
 * <ol>
 *   <li>claim a free /30 slot of {@code AGENT_SANDBOX_SUBNET} by creating the namespace {@code
 *       agent-s<slot>} (creation is atomic, so two launchers never share a slot); a slot whose
 *       owner process is gone is reclaimed;
 *   <li>a veth pair: {@code agh<slot>} on the host with {@code .1}, {@code ags<slot>} in the
 *       namespace with {@code .2}; loopback up; no default route;
 *   <li>{@code route_localnet} on the host end only, so a proxy on 127.0.0.1 can be the DNAT
 *       target;
 *   <li>(after the credential endpoint is bound to the host end) the nftables table of {@link
 *       NftRules#forRun}.
 * </ol>
 */
public final class SandboxNetwork implements AutoCloseable {
  static final Path NETNS_DIR = Path.of("/run/netns");
  static final Path OWNER_DIR = Path.of("/run/agent-sandbox");

  private final HostCommands host;
  private final int slot;
  private final SubnetPool pool;
  private boolean firewalled;
  private boolean closed;

  private SandboxNetwork(HostCommands host, SubnetPool pool, int slot) {
    this.host = host;
    this.pool = pool;
    this.slot = slot;
  }

  /** Creates the namespace and link (steps 1–3). Needs root (CAP_NET_ADMIN). */
  public static SandboxNetwork create(HostCommands host, SubnetPool pool) {
    int slot = claim(host, pool);
    SandboxNetwork net = new SandboxNetwork(host, pool, slot);
    try {
      net.link();
    } catch (RuntimeException e) {
      net.close();
      throw e;
    }
    return net;
  }

  /**
   * Claims a slot under an exclusive lock (so reclaiming an orphan never races another launcher's
   * claim): the owner file names this process; the namespace is created while the lock is held.
   */
  private static int claim(HostCommands host, SubnetPool pool) {
    int slots = pool.slots();
    int start = ThreadLocalRandom.current().nextInt(slots);
    try {
      Files.createDirectories(OWNER_DIR);
      try (FileChannel lockFile =
              FileChannel.open(
                  OWNER_DIR.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = lockFile.lock()) {
        for (int i = 0; i < Math.min(slots, 64); i++) {
          int slot = (start + i) % slots;
          boolean taken =
              Files.exists(OWNER_DIR.resolve(name(slot)))
                  || Files.exists(NETNS_DIR.resolve(name(slot)));
          if (taken && !reclaimIfOrphaned(host, slot)) {
            continue;
          }
          HostCommands.Result r = host.run(List.of("ip", "netns", "add", name(slot)), null);
          if (r.output().contains("File exists")) {
            continue; // made by something that is not a launcher: leave it alone
          }
          if (!r.ok()) {
            throw new AgentException(
                ExitCode.SANDBOX_FAILED, "cannot create a network namespace: " + r.firstLine());
          }
          long pid = ProcessHandle.current().pid();
          Files.writeString(OWNER_DIR.resolve(name(slot)), pid + " " + startTime(pid));
          return slot;
        }
      }
    } catch (IOException e) {
      throw new AgentException(
          ExitCode.SANDBOX_FAILED,
          "cannot claim a sandbox link in " + OWNER_DIR + ": " + e.getMessage());
    }
    throw new AgentException(
        ExitCode.SANDBOX_FAILED,
        "no free sandbox link in " + pool + " (64 tried); see agent doctor");
  }

  private void link() {
    String hostIf = hostInterface();
    HostCommands.Result r =
        host.run(
            List.of("ip", "-batch", "-"),
            "link add "
                + hostIf
                + " type veth peer name "
                + sandboxInterface()
                + " netns "
                + name(slot)
                + "\n"
                + "addr add "
                + hostAddress()
                + "/30 dev "
                + hostIf
                + "\n"
                + "link set "
                + hostIf
                + " up\n");
    if (!r.ok()) {
      throw new AgentException(
          ExitCode.SANDBOX_FAILED, "cannot create the sandbox link: " + r.firstLine());
    }
    r =
        host.run(
            // nsenter (setns only), not `ip -n` (which also re-mounts /sys in a new mount
            // namespace).
            List.of("nsenter", "--net=" + namespacePath(), "ip", "-batch", "-"),
            "addr add "
                + sandboxAddress()
                + "/30 dev "
                + sandboxInterface()
                + "\n"
                + "link set "
                + sandboxInterface()
                + " up\n"
                + "link set lo up\n");
    if (!r.ok()) {
      throw new AgentException(
          ExitCode.SANDBOX_FAILED, "cannot configure the sandbox link: " + r.firstLine());
    }
    try {
      Files.writeString(Path.of("/proc/sys/net/ipv4/conf", hostIf, "route_localnet"), "1");
    } catch (IOException e) {
      throw new AgentException(
          ExitCode.SANDBOX_FAILED,
          "cannot set route_localnet on " + hostIf + ": " + e.getMessage());
    }
  }

  /** Step 4: only the proxy (DNAT to {@code proxy}) and the credential port are reachable. */
  public void firewall(InetAddress proxy, int proxyPort, int credentialPort) {
    if (!(proxy instanceof Inet4Address)) {
      throw new AgentException(
          ExitCode.SANDBOX_FAILED, "the egress proxy must have an IPv4 address on this host");
    }
    String rules =
        NftRules.forRun(
            NftRules.table(slot),
            hostInterface(),
            hostAddress(),
            proxyPort,
            proxy.getHostAddress(),
            proxyPort,
            credentialPort);
    HostCommands.Result r = host.run(List.of("nft", "-f", "-"), rules);
    if (!r.ok()) {
      throw new AgentException(
          ExitCode.SANDBOX_FAILED, "cannot load the sandbox firewall: " + r.firstLine());
    }
    firewalled = true;
  }

  public String namespacePath() {
    return NETNS_DIR.resolve(name(slot)).toString();
  }

  public String namespaceName() {
    return name(slot);
  }

  public String hostAddress() {
    return pool.hostAddress(slot);
  }

  public String sandboxAddress() {
    return pool.sandboxAddress(slot);
  }

  String hostInterface() {
    return "agh" + slot;
  }

  String sandboxInterface() {
    return "ags" + slot;
  }

  static String name(int slot) {
    return "agent-s" + slot;
  }

  /** Removes the table and the namespace (the veth pair goes with it). Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    teardown(host, slot, firewalled);
  }

  /**
   * In this order, so the link is never up without its firewall: kill whatever still runs in the
   * namespace (a container that outlived its launcher), delete the host end of the link (which
   * takes the sandbox end with it), delete the namespace, and only then the nftables table.
   */
  private static void teardown(HostCommands host, int slot, boolean firewalled) {
    HostCommands.Result pids = host.run(List.of("ip", "netns", "pids", name(slot)), null);
    if (pids.ok() && !pids.output().isBlank()) {
      List<String> kill = new java.util.ArrayList<>(List.of("kill", "-9"));
      pids.output().lines().map(String::strip).filter(l -> l.matches("[0-9]+")).forEach(kill::add);
      if (kill.size() > 2) {
        host.run(kill, null);
      }
    }
    host.run(List.of("ip", "link", "del", "agh" + slot), null);
    host.run(List.of("ip", "netns", "del", name(slot)), null);
    if (firewalled) {
      host.run(List.of("nft", "delete", "table", "inet", NftRules.table(slot)), null);
    }
    try {
      Files.deleteIfExists(OWNER_DIR.resolve(name(slot)));
    } catch (IOException e) {
      // a stale owner file only makes the next claim check the pid
    }
  }

  /**
   * A slot whose owner launcher is gone (killed with SIGKILL, machine crash without reboot) is torn
   * down and reused. The owner is identified by pid and start time, so a reused pid is not mistaken
   * for the owner.
   */
  static boolean reclaimIfOrphaned(HostCommands host, int slot) {
    Path owner = OWNER_DIR.resolve(name(slot));
    try {
      String[] parts = Files.readString(owner).trim().split(" ");
      long pid = Long.parseLong(parts[0]);
      if (parts.length > 1 && parts[1].equals(startTime(pid))) {
        return false; // still running
      }
    } catch (IOException | RuntimeException e) {
      // No readable owner: claims write it under the lock, so a namespace without one is orphaned.
    }
    teardown(host, slot, true);
    return true;
  }

  /** Field 22 of /proc/PID/stat (start time in clock ticks), or "" when the process is gone. */
  static String startTime(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return f[19];
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }
}
