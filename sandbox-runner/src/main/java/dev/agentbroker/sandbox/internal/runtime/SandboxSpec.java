package dev.agentbroker.sandbox.internal.runtime;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Everything a runtime backend needs to build its command line, and nothing secret: environment
 * variables are passed by <em>name</em> ({@link #envNames}); their values live only in the
 * environment of the runtime process the launcher starts.
 *
 * @param runId short unique id; the container or cgroup name derives from it
 * @param command the command to run; empty = the image's own command (OCI) or a shell
 * @param interactive {@code agent shell}: a terminal, standard input attached
 * @param workspace a host directory bound at {@code /workspace}; empty = a private tmpfs
 * @param netnsPath the run's network namespace; empty = no network at all
 * @param helperDir host directory mounted read-only at {@link #HELPER_MOUNT} (helpers, CA bundle)
 * @param image OCI image (podman, docker, container)
 * @param rootfs bubblewrap root: {@code host} (the host's system directories, read-only) or a
 *     directory
 * @param dockerNetwork docker runtime only: a prepared network instead of the namespace
 * @param storage podman only: explicit {@code --root}/{@code --runroot}
 */
public record SandboxSpec(
    String runId,
    List<String> command,
    boolean interactive,
    Optional<Path> workspace,
    long memoryBytes,
    double cpus,
    int pids,
    Optional<String> netnsPath,
    List<String> envNames,
    Path helperDir,
    String image,
    String rootfs,
    Optional<String> dockerNetwork,
    Optional<PodmanStorage> storage) {
  public static final int UID = 1000;
  public static final String WORKSPACE = "/workspace";
  public static final String HOME = "/home/agent";
  public static final String HELPER_MOUNT = "/run/agent";

  /** Size of the tmpfs workspace, home and /tmp when no bind is given. */
  public static final String TMPFS_SIZE = "1g";

  public SandboxSpec {
    command = List.copyOf(command);
    envNames = List.copyOf(envNames);
  }

  /** The container name: unique per run, so a forced cleanup removes exactly this sandbox. */
  public String containerName() {
    return "agent-run-" + runId;
  }

  /** Explicit podman storage locations. */
  public record PodmanStorage(String root, String runroot) {}
}
