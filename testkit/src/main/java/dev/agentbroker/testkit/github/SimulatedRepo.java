package dev.agentbroker.testkit.github;

import java.util.List;

/**
 * A repository's org-admin state as the simulator saw it change.
 *
 * @param visibility {@code public}, {@code private} or {@code internal}
 */
public record SimulatedRepo(
    String owner,
    String name,
    String description,
    String homepage,
    String visibility,
    List<String> topics) {
  public SimulatedRepo {
    topics = List.copyOf(topics);
  }
}
