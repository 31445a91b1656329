package dev.agentbroker.testkit.github;

import java.util.List;
import java.util.Map;

/**
 * What an installation token the simulator minted can do, as GitHub decided it at mint time: lets a
 * test prove the scope of a token it only saw on the wire (e.g. in a recorded {@code Authorization}
 * header), also after it was revoked.
 *
 * @param installationId the installation it was minted for
 * @param permissions permission → level, exactly as granted
 * @param repositories names of the repositories it reaches
 * @param repositorySelection {@code "selected"} when repositories were named at mint time
 */
public record TokenScope(
    long installationId,
    Map<String, String> permissions,
    List<String> repositories,
    String repositorySelection) {
  public TokenScope {
    permissions = Map.copyOf(permissions);
    repositories = List.copyOf(repositories);
  }
}
