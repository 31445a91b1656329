package dev.agentbroker.sandbox.internal.runtime;

import dev.agentbroker.sandbox.AgentException;
import dev.agentbroker.sandbox.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Memory, CPU and process limits for runtimes that have none of their own (bubblewrap): one cgroup
 * per run, nested under the launcher's own cgroup, on cgroup v2 ({@code memory.max}, {@code
 * cpu.max}, {@code pids.max}) or v1 ({@code memory.limit_in_bytes}, {@code cpu.cfs_quota_us},
 * {@code pids.max}). The sandbox joins it before it executes anything ({@link #joinScript}), so no
 * process of the sandbox ever runs outside the limits. Needs root; refuses rather than running
 * unlimited.
 */
public final class CgroupLimits implements AutoCloseable {
  static final Path ROOT = Path.of("/sys/fs/cgroup");
  private static final long CFS_PERIOD_US = 100_000;
  private final List<Path> dirs;

  private CgroupLimits(List<Path> dirs) {
    this.dirs = dirs;
  }

  /** Creates the run's cgroup(s) with the limits. */
  public static CgroupLimits create(String name, long memoryBytes, double cpus, int pids) {
    List<Path> made = new ArrayList<>();
    try {
      if (Files.exists(ROOT.resolve("cgroup.controllers"))) {
        Path dir = own("").resolve(name);
        Files.createDirectory(dir);
        made.add(dir);
        write(dir, "memory.max", Long.toString(memoryBytes));
        write(dir, "memory.swap.max", "0");
        write(dir, "cpu.max", Math.round(cpus * CFS_PERIOD_US) + " " + CFS_PERIOD_US);
        write(dir, "pids.max", Integer.toString(pids));
      } else {
        Path mem = v1("memory", name, made);
        write(mem, "memory.limit_in_bytes", Long.toString(memoryBytes));
        Path cpu = v1("cpu", name, made);
        write(cpu, "cpu.cfs_period_us", Long.toString(CFS_PERIOD_US));
        write(cpu, "cpu.cfs_quota_us", Long.toString(Math.round(cpus * CFS_PERIOD_US)));
        Path pid = v1("pids", name, made);
        write(pid, "pids.max", Integer.toString(pids));
      }
      return new CgroupLimits(made);
    } catch (IOException | RuntimeException e) {
      new CgroupLimits(made).close();
      throw new AgentException(
          ExitCode.SANDBOX_FAILED,
          "cannot set memory/CPU/pids limits with cgroups (bubblewrap needs root for them): "
              + e.getMessage());
    }
  }

  private static Path v1(String controller, String name, List<Path> made) throws IOException {
    Path base = ROOT.resolve(controller);
    if (!Files.isDirectory(base)) {
      throw new IOException("no cgroup v1 " + controller + " controller at " + base);
    }
    Path dir = own(controller).resolve(name);
    Files.createDirectory(dir);
    made.add(dir);
    return dir;
  }

  /** This process's cgroup directory for {@code controller} ("" = the v2 unified hierarchy). */
  static Path own(String controller) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
      String[] f = line.split(":", 3);
      boolean match =
          controller.isEmpty()
              ? f[0].equals("0") && f[1].isEmpty()
              : List.of(f[1].split(",")).contains(controller);
      if (match) {
        Path base = controller.isEmpty() ? ROOT : ROOT.resolve(controller);
        return base.resolve(f[2].substring(1));
      }
    }
    throw new IOException(
        "this process is in no " + (controller.isEmpty() ? "cgroup v2" : controller) + " cgroup");
  }

  private static void write(Path dir, String file, String value) throws IOException {
    Files.writeString(dir.resolve(file), value);
  }

  /**
   * A POSIX sh prologue that moves the shell into every cgroup of the run, then {@code exec}s the
   * rest of its arguments: {@code sh -c '<script>' sh ARGV…}. Paths only, no secrets.
   */
  public String joinScript() {
    StringBuilder sb = new StringBuilder();
    for (Path d : dirs) {
      sb.append("echo $$ > '").append(d.resolve("cgroup.procs")).append("' && ");
    }
    return sb.append("exec \"$@\"").toString();
  }

  /** The cgroup directories (for tests and {@code agent doctor}). */
  public List<Path> directories() {
    return List.copyOf(dirs);
  }

  /** Removes the cgroups; they are empty once the sandbox's processes are gone. */
  @Override
  public void close() {
    for (Path d : dirs) {
      for (int i = 0; i < 50; i++) {
        try {
          Files.deleteIfExists(d);
          break;
        } catch (IOException e) {
          // still has a dying process: give the kernel a moment
          try {
            Thread.sleep(20);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            break;
          }
        }
      }
    }
  }

  @Override
  public String toString() {
    return "cgroups" + dirs.toString().toLowerCase(Locale.ROOT);
  }
}
