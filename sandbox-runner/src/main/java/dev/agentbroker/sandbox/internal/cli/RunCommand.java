package dev.agentbroker.sandbox.internal.cli;

import picocli.CommandLine.Command;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description =
        "Run CMD in a sandbox whose only GitHub credential is a broker-minted token for --repo and whose only network path is the egress proxy. Exits with CMD's status; the token is revoked at exit, also on Ctrl-C, SIGTERM, the timeout (exit 124) and a crashed sandbox.")
final class RunCommand extends SandboxCommand {
  RunCommand(Context ctx) {
    super(ctx);
  }

  @Override
  boolean interactive() {
    return false;
  }
}
