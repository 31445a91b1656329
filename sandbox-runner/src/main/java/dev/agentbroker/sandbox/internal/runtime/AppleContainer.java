package dev.agentbroker.sandbox.internal.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Apple's {@code container} CLI (macOS): every container is a lightweight VM, so isolation comes
 * from the hypervisor, not from capabilities or a read-only root (the CLI has neither flag). Its
 * network cannot be made proxy-only by the launcher: {@code HTTPS_PROXY} makes it
 * "proxy-preferred", and {@code agent run} says so. Tested by command-line construction only (it
 * cannot run on Linux).
 */
public final class AppleContainer implements Backend {
  @Override
  public String name() {
    return "container";
  }

  @Override
  public String binary() {
    return "container";
  }

  @Override
  public boolean limitsItself() {
    return true;
  }

  @Override
  public LaunchPlan plan(SandboxSpec s) {
    List<String> a =
        new ArrayList<>(List.of("container", "run", "--rm", "--name", s.containerName()));
    if (s.interactive()) {
      a.addAll(List.of("--interactive", "--tty"));
    }
    a.addAll(List.of("--user", SandboxSpec.UID + ":" + SandboxSpec.UID));
    a.addAll(List.of("--memory", (s.memoryBytes() >> 20) + "M"));
    a.addAll(List.of("--cpus", Long.toString(Math.max(1, (long) Math.ceil(s.cpus())))));
    if (s.workspace().isPresent()) {
      a.addAll(List.of("--volume", s.workspace().get() + ":" + SandboxSpec.WORKSPACE));
    } else {
      a.addAll(List.of("--tmpfs", SandboxSpec.WORKSPACE));
    }
    a.addAll(List.of("--tmpfs", SandboxSpec.HOME));
    a.addAll(
        List.of(
            "--mount",
            "type=bind,source="
                + s.helperDir()
                + ",target="
                + SandboxSpec.HELPER_MOUNT
                + ",readonly"));
    a.addAll(List.of("--workdir", SandboxSpec.WORKSPACE));
    for (String name : s.envNames()) {
      a.addAll(List.of("--env", name)); // name only: inherited from this process's environment
    }
    a.add(s.image());
    a.addAll(s.command());
    List<String> rm = List.of("container", "delete", "--force", s.containerName());
    List<String> term = List.of("container", "stop", "--signal", "SIGTERM", s.containerName());
    return new LaunchPlan(a, rm, term);
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
