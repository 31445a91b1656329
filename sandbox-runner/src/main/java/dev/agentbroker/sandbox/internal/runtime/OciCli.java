package dev.agentbroker.sandbox.internal.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The podman and docker command lines (one builder, two dialects; shared/sandbox-runtimes.md):
 *
 * <ul>
 *   <li>podman is forced onto {@code runc} (crun fails on these hosts); both dialects get explicit
 *       {@code --ulimit}s no higher than the launcher's own hard limits (the runtimes' default
 *       nofile of 1048576 cannot be granted where root lacks CAP_SYS_RESOURCE);
 *   <li>tmpfs ownership: podman's {@code U} option chowns the tmpfs to uid 1000; the docker dialect
 *       uses {@code mode=1777} (its {@code uid=} option is refused by podman's Docker API);
 *   <li>network: podman and docker-on-podman join the run's namespace ({@code ns:PATH}); a real
 *       Docker engine cannot, so {@code AGENT_DOCKER_NETWORK} names a network whose proxy-only
 *       rules come from {@code agent firewall render};
 *   <li>always {@code --init} (TERM reaches the command), a unique {@code --name}, {@code --rm}.
 * </ul>
 */
public final class OciCli implements Backend {
  private final String binary;
  private final long nofile;
  private final long nproc;

  OciCli(String binary, long nofile, long nproc) {
    this.binary = binary;
    this.nofile = nofile;
    this.nproc = nproc;
  }

  static OciCli podman() {
    return new OciCli(
        "podman", hardLimit("Max open files", 20000), hardLimit("Max processes", 32768));
  }

  static OciCli docker() {
    return new OciCli(
        "docker", hardLimit("Max open files", 20000), hardLimit("Max processes", 32768));
  }

  @Override
  public String name() {
    return binary;
  }

  @Override
  public String binary() {
    return binary;
  }

  @Override
  public boolean limitsItself() {
    return true;
  }

  private boolean isPodman() {
    return binary.equals("podman");
  }

  @Override
  public LaunchPlan plan(SandboxSpec s) {
    List<String> a = new ArrayList<>(List.of(binary));
    if (isPodman()) {
      s.storage()
          .ifPresent(st -> a.addAll(List.of("--root", st.root(), "--runroot", st.runroot())));
      a.addAll(List.of("--runtime", "runc"));
    }
    List<String> global = List.copyOf(a);
    a.addAll(List.of("run", "--rm", "--init", "--name", s.containerName()));
    if (s.interactive()) {
      a.addAll(List.of("--interactive", "--tty"));
    }
    a.addAll(List.of("--read-only", "--cap-drop", "all", "--security-opt", "no-new-privileges"));
    a.addAll(List.of("--user", SandboxSpec.UID + ":" + SandboxSpec.UID));
    a.addAll(
        List.of(
            "--memory",
            Long.toString(s.memoryBytes()),
            "--memory-swap",
            Long.toString(s.memoryBytes())));
    a.addAll(
        List.of(
            "--cpus",
            String.format(Locale.ROOT, "%.2f", s.cpus()),
            "--pids-limit",
            Integer.toString(s.pids())));
    // Both dialects: a runtime's default nofile (1048576) cannot be granted where root lacks
    // CAP_SYS_RESOURCE, and runc then fails the start ("error setting rlimit type 7").
    a.addAll(
        List.of(
            "--ulimit",
            "nofile=" + nofile + ":" + nofile,
            "--ulimit",
            "nproc=" + nproc + ":" + nproc));
    a.addAll(List.of("--network", network(s)));
    if (s.workspace().isPresent()) {
      a.addAll(List.of("--volume", s.workspace().get() + ":" + SandboxSpec.WORKSPACE + ":rw"));
    } else {
      a.addAll(List.of("--tmpfs", SandboxSpec.WORKSPACE + ":" + tmpfsOptions("0700")));
    }
    a.addAll(List.of("--tmpfs", SandboxSpec.HOME + ":" + tmpfsOptions("0700")));
    a.addAll(
        List.of("--tmpfs", "/tmp:rw,nosuid,nodev,size=" + SandboxSpec.TMPFS_SIZE + ",mode=1777"));
    a.addAll(List.of("--volume", s.helperDir() + ":" + SandboxSpec.HELPER_MOUNT + ":ro"));
    a.addAll(List.of("--workdir", SandboxSpec.WORKSPACE));
    for (String name : s.envNames()) {
      a.addAll(
          List.of("--env", name)); // name only: the value comes from this process's environment
    }
    a.add(s.image());
    a.addAll(s.command());
    List<String> rm = new ArrayList<>(global);
    rm.addAll(List.of("rm", "--force", "--ignore", s.containerName()));
    if (!isPodman()) {
      rm.remove("--ignore"); // docker rm -f ignores a missing container already
    }
    List<String> term = new ArrayList<>(global);
    term.addAll(List.of("kill", "--signal", "TERM", s.containerName()));
    return new LaunchPlan(a, rm, term);
  }

  private String tmpfsOptions(String mode) {
    return isPodman()
        ? "rw,nosuid,nodev,size=" + SandboxSpec.TMPFS_SIZE + ",mode=" + mode + ",U"
        : "rw,nosuid,nodev,size=" + SandboxSpec.TMPFS_SIZE + ",mode=1777";
  }

  private String network(SandboxSpec s) {
    if (s.netnsPath().isEmpty()) {
      return "none";
    }
    if (!isPodman() && s.dockerNetwork().isPresent()) {
      return s.dockerNetwork().get();
    }
    return "ns:" + s.netnsPath().get();
  }

  /** The hard limit of {@code name} in /proc/self/limits, capped at {@code cap}. */
  static long hardLimit(String name, long cap) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
        if (line.startsWith(name)) {
          String[] f = line.substring(name.length()).trim().split("\\s+");
          return f[1].equals("unlimited") ? cap : Math.min(cap, Long.parseLong(f[1]));
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or unreadable: use the cap, which the runtime doc found safe here
    }
    return cap;
  }
}
