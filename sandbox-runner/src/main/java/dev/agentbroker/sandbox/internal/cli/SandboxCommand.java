package dev.agentbroker.sandbox.internal.cli;

import dev.agentbroker.sandbox.AgentException;
import dev.agentbroker.sandbox.ExitCode;
import dev.agentbroker.sandbox.internal.broker.BrokerClient;
import dev.agentbroker.sandbox.internal.caller.CallerCredentials;
import dev.agentbroker.sandbox.internal.host.Host;
import dev.agentbroker.sandbox.internal.net.HostCommands;
import dev.agentbroker.sandbox.internal.run.RunLog;
import dev.agentbroker.sandbox.internal.run.RunRequest;
import dev.agentbroker.sandbox.internal.run.RunSession;
import dev.agentbroker.sandbox.internal.runtime.Backend;
import dev.agentbroker.sandbox.internal.settings.ProfileDefaults;
import dev.agentbroker.sandbox.internal.settings.Settings;
import dev.agentbroker.sandbox.internal.settings.Values;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The options {@code agent run} and {@code agent shell} share, and the run itself. */
abstract class SandboxCommand implements Callable<Integer> {
  @Mixin SettingsOptions settings;
  @Mixin RequestOptions request;

  @Option(
      names = "--runtime",
      paramLabel = "RUNTIME",
      description =
          "podman, docker, bwrap or container (env AGENT_RUNTIME; default bwrap on Linux, container on macOS).")
  String runtime;

  @Option(
      names = "--image",
      paramLabel = "IMAGE",
      description =
          "Image for podman/docker/container (env AGENT_IMAGE, default localhost/agent-sandbox:latest).")
  String image;

  @Option(
      names = "--rootfs",
      paramLabel = "DIR",
      description =
          "bwrap root: a directory, or 'host' for the host's system directories read-only (env AGENT_ROOTFS, default host).")
  String rootfs;

  @Option(
      names = "--workspace",
      paramLabel = "DIR",
      description = "Host directory bound at /workspace (default: a private tmpfs).")
  String workspace;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      description = "Wall clock (e.g. 90s, 30m, 2h; default: the profile's).")
  String timeout;

  @Option(
      names = "--memory",
      paramLabel = "SIZE",
      description = "Memory limit (e.g. 512m, 4g; default: the profile's).")
  String memory;

  @Option(
      names = "--cpus",
      paramLabel = "N",
      description = "CPU limit (e.g. 2, 0.5; default: the profile's, at most this host's).")
  String cpus;

  @Option(
      names = "--pids",
      paramLabel = "N",
      description = "Process limit (default: the profile's).")
  String pids;

  @Option(
      names = "--inject",
      description =
          "The sandbox gets no GitHub token: the run is registered at the egress proxy, which adds"
              + " the credential to the run's GitHub requests (docs/credential-injection.md).")
  boolean inject;

  @Option(
      names = "--inject-control-url",
      paramLabel = "URL",
      description = "The egress proxy's registration API (env AGENT_INJECT_CONTROL_URL).")
  String injectControlUrl;

  @Option(
      names = "--inject-secret-file",
      paramLabel = "FILE",
      description = "Bearer secret of the registration API (env AGENT_INJECT_SECRET_FILE).")
  String injectSecretFile;

  @Option(
      names = "--inject-proxy-user",
      paramLabel = "NAME",
      description = "The proxy user the sandbox uses (env AGENT_INJECT_PROXY_USER).")
  String injectProxyUser;

  @Option(
      names = "--inject-proxy-secret-file",
      paramLabel = "FILE",
      description = "That proxy user's secret (env AGENT_INJECT_PROXY_SECRET_FILE).")
  String injectProxySecretFile;

  @Parameters(
      paramLabel = "CMD",
      arity = "0..*",
      description = "The command and its arguments (after --).")
  List<String> command = List.of();

  /** The proxy registers a run for at most 24 h; the registration adds a grace to the timeout. */
  static final Duration MAX_INJECT_TIMEOUT = Duration.ofHours(23);

  final Context ctx;

  SandboxCommand(Context ctx) {
    this.ctx = ctx;
  }

  abstract boolean interactive();

  @Override
  public Integer call() {
    Settings s = Settings.load(ctx.env(), overrides());
    RunRequest r = request(s);
    s.requireBroker();
    if (r.inject()) {
      s.requireInject();
    }
    String runId = HexFormat.of().formatHex(random());
    RunLog log = new RunLog(ctx.err(), settings.quiet, runId);
    BrokerClient broker =
        new BrokerClient(s.brokerUrl(), new CallerCredentials(s.caller(), ctx.clock()));
    return new RunSession(s, broker, ctx.clock(), new HostCommands(), log, ctx.env()).run(r);
  }

  private static byte[] random() {
    byte[] b = new byte[4];
    new SecureRandom().nextBytes(b);
    return b;
  }

  private Map<String, String> overrides() {
    Map<String, String> m = settings.overrides();
    SettingsOptions.put(m, Settings.RUNTIME, runtime);
    SettingsOptions.put(m, Settings.IMAGE, image);
    SettingsOptions.put(m, Settings.ROOTFS, rootfs);
    SettingsOptions.put(m, Settings.INJECT_CONTROL_URL, injectControlUrl);
    SettingsOptions.put(m, Settings.INJECT_SECRET_FILE, injectSecretFile);
    SettingsOptions.put(m, Settings.INJECT_PROXY_USER, injectProxyUser);
    SettingsOptions.put(m, Settings.INJECT_PROXY_SECRET_FILE, injectProxySecretFile);
    return m;
  }

  /** Every flag parsed and checked before anything is contacted (exit 64 on the first problem). */
  RunRequest request(Settings s) {
    ProfileDefaults d = request.profile();
    String rt = s.runtime().orElse(Host.isLinux() ? "bwrap" : "container");
    Backend backend =
        Backend.named(rt)
            .orElseThrow(
                () ->
                    new AgentException(
                        ExitCode.USAGE, "--runtime '" + rt + "' is not one of " + Backend.NAMES));
    Optional<Path> ws = Optional.empty();
    if (workspace != null) {
      Path p = Path.of(workspace).toAbsolutePath().normalize();
      if (!Files.isDirectory(p)) {
        throw new AgentException(ExitCode.USAGE, "--workspace " + p + " is not a directory");
      }
      if (p.toString().contains(":") || p.toString().contains(",")) {
        // Both would be read as separators by the runtimes' --volume/--mount syntax.
        throw new AgentException(
            ExitCode.USAGE, "--workspace " + p + " must not contain ':' or ','");
      }
      ws = Optional.of(p);
    }
    if (!s.image().matches("[A-Za-z0-9][A-Za-z0-9._/:@+-]{0,254}")) {
      // An image starting with '-' would be read by the runtime as one of its own flags.
      throw new AgentException(
          ExitCode.USAGE, "--image '" + s.image() + "' is not an image reference");
    }
    try {
      Duration t = timeout == null ? d.timeout() : Values.duration("--timeout", timeout);
      long mem = memory == null ? d.memoryBytes() : Values.bytes("--memory", memory);
      double c = cpus == null ? d.cpus() : Values.cpus("--cpus", cpus);
      int p = pids == null ? d.pids() : Values.pids("--pids", pids);
      if (inject && t.compareTo(MAX_INJECT_TIMEOUT) > 0) {
        throw new IllegalArgumentException(
            "--timeout "
                + timeout
                + " is too long for --inject (at most 23h: the proxy registers a run for 24 h at most)");
      }
      List<String> cmd = command == null ? List.of() : List.copyOf(command);
      if (interactive() && cmd.isEmpty()) {
        cmd = List.of("/bin/sh");
      }
      return new RunRequest(
          request.repo(),
          request.permissions(d),
          backend,
          s.image(),
          s.rootfs(),
          ws,
          t,
          mem,
          c,
          p,
          cmd,
          interactive(),
          settings.quiet,
          inject);
    } catch (IllegalArgumentException e) {
      throw new AgentException(ExitCode.USAGE, e.getMessage());
    }
  }
}
