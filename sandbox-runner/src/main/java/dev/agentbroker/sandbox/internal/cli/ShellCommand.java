package dev.agentbroker.sandbox.internal.cli;

import picocli.CommandLine.Command;

@Command(
    name = "shell",
    mixinStandardHelpOptions = true,
    description = "Like run, with an interactive shell (or CMD) on your terminal.")
final class ShellCommand extends SandboxCommand {
  ShellCommand(Context ctx) {
    super(ctx);
  }

  @Override
  boolean interactive() {
    return true;
  }
}
