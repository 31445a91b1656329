package dev.agentbroker.sandbox.internal.cli;

import dev.agentbroker.sandbox.AgentException;
import dev.agentbroker.sandbox.ExitCode;
import dev.agentbroker.sandbox.internal.broker.BrokerClient;
import dev.agentbroker.sandbox.internal.broker.Lease;
import dev.agentbroker.sandbox.internal.broker.TokenRequestBody;
import dev.agentbroker.sandbox.internal.caller.CallerCredentials;
import dev.agentbroker.sandbox.internal.credential.GitCredentialRequest;
import dev.agentbroker.sandbox.internal.run.RunLog;
import dev.agentbroker.sandbox.internal.settings.ProfileDefaults;
import dev.agentbroker.sandbox.internal.settings.RepoRef;
import dev.agentbroker.sandbox.internal.settings.Settings;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
    name = "credential",
    mixinStandardHelpOptions = true,
    description =
        "A git credential helper (gitcredentials(7)). 'get' for https://<git host>/OWNER/NAME mints a token for that one repository; other hosts and paths get an empty answer; 'store' and 'erase' keep nothing (nothing is ever written to disk). Configure it with:%n  git config --global credential.https://github.com.helper '!agent credential'%n  git config --global credential.https://github.com.useHttpPath true%nInside an agent sandbox the run's own helper is configured instead (it re-mints through the launcher, so a long git session outlives the one-hour token).")
final class CredentialCommand implements Callable<Integer> {
  @Mixin SettingsOptions settings;

  @Mixin ProfileOptions request;

  @Parameters(index = "0", paramLabel = "ACTION", description = "get, store or erase")
  String action;

  private final Context ctx;

  CredentialCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    if (!action.equals("get") && !action.equals("store") && !action.equals("erase")) {
      throw new AgentException(
          ExitCode.USAGE, "credential action '" + action + "' is not get, store or erase");
    }
    GitCredentialRequest req;
    try {
      req = GitCredentialRequest.read(ctx.in());
    } catch (IOException | IllegalArgumentException e) {
      throw new AgentException(ExitCode.USAGE, "malformed credential request: " + e.getMessage());
    }
    if (!action.equals("get")) {
      return 0;
    }
    Settings s = Settings.load(ctx.env(), settings.overrides());
    Optional<RepoRef> repo = req.repositoryOn(s.gitHost());
    if (repo.isEmpty()) {
      return 0; // not ours: git asks the next helper, or the user
    }
    ProfileDefaults d = request.profile();
    s.requireBroker();
    BrokerClient broker =
        new BrokerClient(s.brokerUrl(), new CallerCredentials(s.caller(), ctx.clock()));
    Lease lease = broker.mint(new TokenRequestBody(repo.get(), request.permissions(d)));
    ctx.out().print(GitCredentialRequest.answer(lease.token(), lease.expiresAt().getEpochSecond()));
    ctx.out().flush();
    new RunLog(ctx.err(), settings.quiet, "-")
        .issued("agent.credential action=get", repo.get(), lease);
    return 0;
  }
}
