package dev.agentbroker.sandbox.internal.cli;

import dev.agentbroker.sandbox.AgentException;
import dev.agentbroker.sandbox.ExitCode;
import dev.agentbroker.sandbox.internal.settings.RepoRef;
import picocli.CommandLine.Option;

/** {@code --repo} plus {@link ProfileOptions}: what a token is asked for. */
public final class RequestOptions extends ProfileOptions {
  @Option(
      names = "--repo",
      paramLabel = "OWNER/NAME",
      description = "The one repository the token may reach.")
  String repo;

  RepoRef repo() {
    try {
      return RepoRef.parse(repo);
    } catch (IllegalArgumentException e) {
      throw new AgentException(ExitCode.USAGE, e.getMessage());
    }
  }
}
