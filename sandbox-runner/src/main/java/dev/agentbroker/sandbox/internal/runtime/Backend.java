package dev.agentbroker.sandbox.internal.runtime;

import java.util.Locale;
import java.util.Optional;

/**
 * One runtime's dialect. Sealed: a new runtime (and its isolation claims) needs a reviewed change
 * here, with golden command-line tests.
 */
public sealed interface Backend permits OciCli, Bubblewrap, AppleContainer {
  /** The {@code --runtime} name. */
  String name();

  /** The program that must be on the PATH. */
  String binary();

  /**
   * Whether this backend enforces memory/CPU/pids limits itself (else: cgroups by the launcher).
   */
  boolean limitsItself();

  LaunchPlan plan(SandboxSpec spec);

  /** The backend for a {@code --runtime} value. */
  static Optional<Backend> named(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "podman" -> Optional.of(OciCli.podman());
      case "docker" -> Optional.of(OciCli.docker());
      case "bwrap", "bubblewrap" -> Optional.of(new Bubblewrap());
      case "container" -> Optional.of(new AppleContainer());
      default -> Optional.empty();
    };
  }

  /** The names {@link #named} accepts, for messages. */
  String NAMES = "podman, docker, bwrap, container";
}
