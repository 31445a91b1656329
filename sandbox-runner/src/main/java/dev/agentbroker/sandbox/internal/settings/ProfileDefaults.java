package dev.agentbroker.sandbox.internal.settings;

import dev.agentbroker.policy.Profile;
import java.time.Duration;
import java.util.Map;

/**
 * What {@code agent run} uses when a flag is omitted, per profile (documented in
 * sandbox-runner/README.md). The broker's policy still decides: these only shape the request, and a
 * request the identity's grant does not cover is refused before anything starts. The policy's own
 * {@code profiles} section (repository counts per token) is enforced by the broker and not exposed
 * over HTTP, so it is not read here.
 */
public record ProfileDefaults(
    Profile profile,
    Map<String, String> permissions,
    Duration timeout,
    long memoryBytes,
    double cpus,
    int pids) {

  public static ProfileDefaults of(Profile p) {
    return switch (p) {
      // A human at a keyboard: a working day, more room, and issues readable for context.
      case INTERACTIVE ->
          new ProfileDefaults(
              p,
              Map.of("contents", "write", "pull_requests", "write", "issues", "read"),
              Duration.ofHours(8),
              8L << 30,
              4,
              2048);
      // No one watching: the narrowest useful token (push a branch, open a PR), two hours.
      case AUTONOMOUS ->
          new ProfileDefaults(
              p,
              Map.of("contents", "write", "pull_requests", "write"),
              Duration.ofHours(2),
              4L << 30,
              2,
              512);
      // A CI job: as autonomous, but bounded by a typical job timeout.
      case CI ->
          new ProfileDefaults(
              p,
              Map.of("contents", "write", "pull_requests", "write"),
              Duration.ofHours(1),
              4L << 30,
              2,
              512);
    };
  }
}
