package dev.agentbroker.sandbox.internal.cli;

import dev.agentbroker.sandbox.AgentException;
import dev.agentbroker.sandbox.ExitCode;
import dev.agentbroker.sandbox.internal.broker.BrokerClient;
import dev.agentbroker.sandbox.internal.broker.Lease;
import dev.agentbroker.sandbox.internal.broker.TokenRequestBody;
import dev.agentbroker.sandbox.internal.caller.CallerCredentials;
import dev.agentbroker.sandbox.internal.github.GitHubActions;
import dev.agentbroker.sandbox.internal.run.RunLog;
import dev.agentbroker.sandbox.internal.settings.RepoRef;
import dev.agentbroker.sandbox.internal.settings.Settings;
import dev.agentbroker.sandbox.internal.settings.Values;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "dispatch",
    mixinStandardHelpOptions = true,
    description =
        "Start an agent run on the ephemeral runners: triggers the workflow's workflow_dispatch"
            + " (docs/dispatch.md) with a broker-minted token that has actions: write on the"
            + " workflow's repository only (revoked when done). Prints the run's URL; with --wait"
            + " follows the run and exits 0 on success, 76 on any other conclusion.")
final class DispatchCommand implements Callable<Integer> {
  @Mixin SettingsOptions settings;

  @Option(
      names = "--repo",
      required = true,
      paramLabel = "OWNER/NAME",
      description = "The repository the agent works on.")
  String repo;

  @Option(
      names = "--prompt",
      required = true,
      paramLabel = "TEXT",
      description = "The task for the agent.")
  String prompt;

  @Option(
      names = "--workflow-repo",
      paramLabel = "OWNER/NAME",
      description = "Where the caller workflow lives (default: --repo).")
  String workflowRepo;

  @Option(
      names = "--workflow",
      paramLabel = "FILE",
      defaultValue = "ai-run-label.yml",
      description = "The workflow file with workflow_dispatch (default: ${DEFAULT-VALUE}).")
  String workflow;

  @Option(
      names = "--ref",
      paramLabel = "REF",
      defaultValue = "main",
      description = "Branch or tag of the workflow (default: ${DEFAULT-VALUE}).")
  String ref;

  @Option(
      names = "--tool",
      paramLabel = "TOOL",
      description = "The agent tool input (claude, codex, gemini); default: the workflow's.")
  String tool;

  @Option(names = "--wait", description = "Follow the run until it completes.")
  boolean await;

  @Option(
      names = "--poll-interval",
      paramLabel = "DURATION",
      defaultValue = "10s",
      description = "How often --wait asks (default: ${DEFAULT-VALUE}).")
  String pollInterval;

  @Option(
      names = "--wait-timeout",
      paramLabel = "DURATION",
      defaultValue = "3h",
      description = "Give up waiting after (default: ${DEFAULT-VALUE}; exit 124).")
  String waitTimeout;

  @Option(
      names = "--github-api-url",
      paramLabel = "URL",
      description =
          "GitHub's REST base URL (env AGENT_GITHUB_API_URL, default https://api.github.com).")
  String githubApiUrl;

  private final Context ctx;

  DispatchCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws InterruptedException {
    RepoRef target = RequestOptions.repo(repo, "--repo");
    RepoRef home =
        workflowRepo == null ? target : RequestOptions.repo(workflowRepo, "--workflow-repo");
    if (prompt.isBlank() || prompt.length() > 60_000) {
      throw new AgentException(ExitCode.USAGE, "--prompt must be 1 to 60000 characters");
    }
    if (!ref.matches("[A-Za-z0-9._/-]{1,255}") || ref.contains("..")) {
      throw new AgentException(ExitCode.USAGE, "--ref '" + ref + "' is not a branch, tag or sha");
    }
    if (!workflow.matches("[A-Za-z0-9._-]{1,100}\\.ya?ml|[0-9]{1,19}")) {
      throw new AgentException(
          ExitCode.USAGE,
          "--workflow '" + workflow + "' is not a workflow file name (NAME.yml) or id");
    }
    Duration poll;
    Duration timeout;
    try {
      poll = Values.duration("--poll-interval", pollInterval);
      timeout = Values.duration("--wait-timeout", waitTimeout);
    } catch (IllegalArgumentException e) {
      throw new AgentException(ExitCode.USAGE, e.getMessage());
    }
    Map<String, String> overrides = settings.overrides();
    SettingsOptions.put(overrides, Settings.GITHUB_API_URL, githubApiUrl);
    Settings s = Settings.load(ctx.env(), overrides);
    s.requireBroker();
    Map<String, String> inputs = new LinkedHashMap<>();
    inputs.put("repo", target.toString());
    inputs.put("prompt", prompt);
    if (tool != null) {
      inputs.put("tool", tool);
    }
    BrokerClient broker =
        new BrokerClient(s.brokerUrl(), new CallerCredentials(s.caller(), ctx.clock()));
    Lease lease = broker.mint(new TokenRequestBody(home, Map.of("actions", "write")));
    RunLog log = new RunLog(ctx.err(), settings.quiet, "-");
    log.issued("agent.dispatch", home, lease);
    try {
      GitHubActions gh = new GitHubActions(s.githubApiUrl(), lease.token());
      GitHubActions.Dispatched d = gh.dispatch(home, workflow, ref, inputs);
      ctx.out()
          .println(
              d.htmlUrl()
                  .orElse(
                      "dispatched "
                          + workflow
                          + " on "
                          + home
                          + "@"
                          + ref
                          + " (GitHub named no run)"));
      ctx.out().flush();
      if (!await) {
        return 0;
      }
      long id =
          d.runId()
              .orElseThrow(
                  () ->
                      new AgentException(
                          ExitCode.DISPATCH_REJECTED,
                          "--wait needs GitHub to name the run (return_run_details); this GitHub did not"));
      Instant deadline = ctx.clock().instant().plus(timeout);
      while (true) {
        GitHubActions.Run run = gh.run(home, id);
        if ("completed".equals(run.status())) {
          ctx.out().println("conclusion: " + run.conclusion());
          ctx.out().flush();
          if (!"success".equals(run.conclusion())) {
            throw new AgentException(
                ExitCode.RUN_FAILED,
                "run " + id + " concluded " + run.conclusion() + ": " + run.htmlUrl());
          }
          return 0;
        }
        if (ctx.clock().instant().isAfter(deadline)) {
          throw new AgentException(
              ExitCode.TIMEOUT, "run " + id + " is still " + run.status() + " after " + timeout);
        }
        Thread.sleep(poll.toMillis());
      }
    } finally {
      try {
        broker.revoke(lease.leaseId());
      } catch (AgentException e) {
        log.revokeFailed(lease, e.getMessage());
      }
    }
  }
}
