package dev.agentbroker.sandbox.internal.run;

import dev.agentbroker.sandbox.internal.runtime.Backend;
import dev.agentbroker.sandbox.internal.settings.RepoRef;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code agent run} / {@code agent shell}, after every flag was parsed and checked. {@code
 * inject}: the egress proxy adds the GitHub credential; the sandbox gets none (ADR 0017).
 */
public record RunRequest(
    RepoRef repo,
    Map<String, String> permissions,
    Backend backend,
    String image,
    String rootfs,
    Optional<Path> workspace,
    Duration timeout,
    long memoryBytes,
    double cpus,
    int pids,
    List<String> command,
    boolean interactive,
    boolean quiet,
    boolean inject) {}
