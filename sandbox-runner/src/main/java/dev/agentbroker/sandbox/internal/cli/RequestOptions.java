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
    return repo(repo, "--repo");
  }

  /** {@code text} as OWNER/NAME; a usage error naming {@code flag} when it is not. */
  static RepoRef repo(String text, String flag) {
    try {
      return RepoRef.parse(text);
    } catch (IllegalArgumentException e) {
      throw new AgentException(ExitCode.USAGE, e.getMessage().replace("--repo", flag));
    }
  }
}
