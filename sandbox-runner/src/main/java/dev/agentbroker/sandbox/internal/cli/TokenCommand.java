package dev.agentbroker.sandbox.internal.cli;

import dev.agentbroker.sandbox.internal.broker.BrokerClient;
import dev.agentbroker.sandbox.internal.broker.Lease;
import dev.agentbroker.sandbox.internal.broker.TokenRequestBody;
import dev.agentbroker.sandbox.internal.caller.CallerCredentials;
import dev.agentbroker.sandbox.internal.run.RunLog;
import dev.agentbroker.sandbox.internal.settings.ProfileDefaults;
import dev.agentbroker.sandbox.internal.settings.RepoRef;
import dev.agentbroker.sandbox.internal.settings.Settings;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description =
        "Print one token for --repo on standard output (nothing else), e.g.%n  GH_TOKEN=$(agent token --repo acme/svc-a) gh pr list%nThe lease is not revoked; the token dies at its expiry (one hour).")
final class TokenCommand implements Callable<Integer> {
  @Mixin SettingsOptions settings;
  @Mixin RequestOptions request;
  private final Context ctx;

  TokenCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    RepoRef repo = request.repo();
    ProfileDefaults d = request.profile();
    TokenRequestBody body = new TokenRequestBody(repo, request.permissions(d));
    Settings s = Settings.load(ctx.env(), settings.overrides());
    s.requireBroker();
    BrokerClient broker =
        new BrokerClient(s.brokerUrl(), new CallerCredentials(s.caller(), ctx.clock()));
    Lease lease = broker.mint(body);
    ctx.out().println(lease.token());
    ctx.out().flush();
    new RunLog(ctx.err(), settings.quiet, "-").issued("agent.token", repo, lease);
    return 0;
  }
}
