package dev.agentbroker.sandbox.internal.cli;

import dev.agentbroker.sandbox.AgentException;
import dev.agentbroker.sandbox.ExitCode;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command tree and its error policy: a bad command line is one {@code agent: usage: …} line
 * (exit 64, with a pointer to {@code --help}); an {@link AgentException} is its own line and code;
 * anything unexpected is one {@code agent: internal_error: …} line and exit 1.
 */
public final class Commands {
  private Commands() {}

  @Command(
      name = "agent",
      mixinStandardHelpOptions = true,
      version = "agent 0.1.0 (agent-broker sandbox-runner)",
      description =
          "Launch coding agents in sandboxes that get their GitHub access only through the broker. Settings come from AGENT_* environment variables (see sandbox-runner/README.md); flags override them.",
      subcommands = {
        RunCommand.class,
        ShellCommand.class,
        TokenCommand.class,
        CredentialCommand.class,
        DoctorCommand.class,
        FirewallCommand.class,
        DispatchCommand.class
      })
  static final class Root implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "a command is required: run, shell, token, credential, doctor, firewall, dispatch");
    }
  }

  public static int execute(String[] args, Context ctx) {
    CommandLine cli = new CommandLine(new Root(), factory(ctx));
    cli.setOut(new java.io.PrintWriter(ctx.out(), true));
    cli.setErr(new java.io.PrintWriter(ctx.err(), true));
    for (String name : new String[] {"run", "shell"}) {
      cli.getSubcommands().get(name).setStopAtPositional(true);
    }
    cli.setParameterExceptionHandler(
        (ex, a) -> {
          String cmd = ex.getCommandLine().getCommandSpec().qualifiedName(" ");
          ctx.err()
              .println(
                  "agent: "
                      + ExitCode.USAGE.wire()
                      + ": "
                      + ex.getMessage()
                      + " (see: "
                      + cmd
                      + " --help)");
          ctx.err().flush();
          return ExitCode.USAGE.code();
        });
    cli.setExecutionExceptionHandler(
        (ex, c, parsed) -> {
          if (ex instanceof AgentException ae) {
            ctx.err().println(ae.line());
            ctx.err().flush();
            return ae.exitCode().code();
          }
          ctx.err()
              .println(
                  "agent: internal_error: "
                      + ex.getClass().getSimpleName()
                      + ": "
                      + ex.getMessage());
          ctx.err().flush();
          return 1;
        });
    return cli.execute(args);
  }

  /** Commands get the context through their constructor; picocli's own classes the default way. */
  private static CommandLine.IFactory factory(Context ctx) {
    CommandLine.IFactory fallback = CommandLine.defaultFactory();
    return new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> cls) throws Exception {
        try {
          return cls.getDeclaredConstructor(Context.class).newInstance(ctx);
        } catch (NoSuchMethodException e) {
          return fallback.create(cls);
        }
      }
    };
  }
}
