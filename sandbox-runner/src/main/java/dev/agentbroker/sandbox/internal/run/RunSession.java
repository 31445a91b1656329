package dev.agentbroker.sandbox.internal.run;

import dev.agentbroker.sandbox.AgentException;
import dev.agentbroker.sandbox.ExitCode;
import dev.agentbroker.sandbox.internal.broker.BrokerClient;
import dev.agentbroker.sandbox.internal.broker.Explanation;
import dev.agentbroker.sandbox.internal.broker.Lease;
import dev.agentbroker.sandbox.internal.broker.TokenRequestBody;
import dev.agentbroker.sandbox.internal.credential.CredentialEndpoint;
import dev.agentbroker.sandbox.internal.credential.TokenCache;
import dev.agentbroker.sandbox.internal.host.Host;
import dev.agentbroker.sandbox.internal.inject.InjectClient;
import dev.agentbroker.sandbox.internal.net.HostCommands;
import dev.agentbroker.sandbox.internal.net.SandboxNetwork;
import dev.agentbroker.sandbox.internal.runtime.AppleContainer;
import dev.agentbroker.sandbox.internal.runtime.Bubblewrap;
import dev.agentbroker.sandbox.internal.runtime.CgroupLimits;
import dev.agentbroker.sandbox.internal.runtime.LaunchPlan;
import dev.agentbroker.sandbox.internal.runtime.SandboxSpec;
import dev.agentbroker.sandbox.internal.settings.HostPort;
import dev.agentbroker.sandbox.internal.settings.Settings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code agent run}: the caller's request becomes a sandbox whose only GitHub credential is a
 * broker-minted token for one repository, and whose only network path is the egress proxy.
 *
 * <p>Steps, in order; a failure before step 5 starts nothing and mints nothing:
 *
 * <ol>
 *   <li>runtime present, root where the network namespace or cgroups need it (exit 72);
 *   <li>the policy would allow exactly this repository and these permissions ({@code POST
 *       /token/explain}; exit 68 with the broker's reason and rule);
 *   <li>the egress proxy accepts connections and is on this host (exit 71);
 *   <li>mint the token ({@code POST /token});
 *   <li>network namespace with the proxy-only firewall, the run's credential endpoint, helper
 *       files, cgroups (exit 73 on failure — and the token is revoked);
 *   <li>start the sandbox and wait, at most the timeout (then TERM, grace, force: exit 124);
 *   <li>always, also on Ctrl-C, SIGTERM and a crashed sandbox: stop and remove the sandbox, revoke
 *       every token the run minted, remove the namespace, firewall table, cgroups and files.
 * </ol>
 *
 * <p>With {@code --inject} step 4 registers the run at the egress proxy instead (and fetches its CA
 * certificate, the only one added to the sandbox's bundle); no token is minted, no credential
 * endpoint started, and step 7 unregisters the run. A refusal there is exit 77, never a fallback.
 */
public final class RunSession {
  /**
   * A registration outlives the run's timeout by this much: the stop grace and teardown fit in it,
   * and the unregistration at the end ends it earlier anyway.
   */
  static final Duration REGISTRATION_GRACE = Duration.ofMinutes(2);

  private final Settings settings;
  private final BrokerClient broker;
  private final Clock clock;
  private final HostCommands host;
  private final Teardown teardown;
  private final RunLog log;
  private final Map<String, String> launcherEnv;

  /**
   * {@code launcherEnv}: the launcher's own environment (the runtime client's settings come from
   * it).
   */
  public RunSession(
      Settings settings,
      BrokerClient broker,
      Clock clock,
      HostCommands host,
      RunLog log,
      Map<String, String> launcherEnv) {
    this.launcherEnv = Map.copyOf(launcherEnv);
    this.settings = settings;
    this.broker = broker;
    this.clock = clock;
    this.host = host;
    this.log = log;
    this.teardown = new Teardown(broker, log);
  }

  /** Runs the sandbox; returns the exit status for the launcher. */
  public int run(RunRequest r) {
    long t0 = System.nanoTime();
    Phases phases = new Phases();
    boolean appleVm = r.backend() instanceof AppleContainer;
    Optional<HostPort> proxy = settings.egressProxy();
    boolean netns = proxy.isPresent() && !appleVm;
    if (r.inject() && appleVm) {
      throw new AgentException(
          ExitCode.USAGE,
          "--inject needs a runtime whose network the launcher enforces (not container)");
    }
    checkRuntime(r, netns);
    TokenRequestBody body = new TokenRequestBody(r.repo(), r.permissions());
    Explanation ex = phases.time("explain", () -> broker.explain(body));
    if (!ex.allowed()) {
      throw new AgentException(
          ExitCode.POLICY_DENIED,
          r.repo()
              + " with "
              + body.permissions()
              + " is denied for identity "
              + ex.identityId().orElse("(none)")
              + ": "
              + ex.reason()
              + " (rule "
              + ex.ruleId()
              + ")");
    }
    InetAddress proxyAddress = proxy.map(p -> checkProxy(p, !appleVm)).orElse(null);
    if (proxy.isEmpty()) {
      // Without a proxy the sandbox has no network: a token could not be used, so none is minted.
      log.note("no " + Settings.EGRESS_PROXY + ": the sandbox gets no network and no GitHub token");
    }
    Thread hook = new Thread(() -> teardown.run("interrupted"), "agent-teardown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      TokenCache cache = null;
      Lease first = null;
      Optional<String> injectCa = Optional.empty();
      Instant registrationExpires = null;
      if (r.inject()) {
        registrationExpires = clock.instant().plus(r.timeout()).plus(REGISTRATION_GRACE);
        injectCa = Optional.of(register(r, ex, registrationExpires, phases));
      } else if (proxy.isPresent()) {
        cache = new TokenCache(() -> broker.mint(body), clock);
        teardown.tokens(cache);
        TokenCache c = cache;
        first = phases.time("mint", () -> c.get().lease());
      }
      phases.start("setup");
      HelperFiles files = HelperFiles.write(log.runId(), settings.caFile(), injectCa);
      teardown.files(files);
      SandboxEnv env =
          new SandboxEnv(
              log.runId(),
              r.repo(),
              settings.gitHost(),
              files.hasCaBundle(),
              r.interactive(),
              r.inject());
      Optional<String> nsPath = Optional.empty();
      if (netns) {
        SandboxNetwork net = SandboxNetwork.create(host, settings.subnet());
        teardown.network(net);
        String visibleProxy = net.hostAddress() + ":" + proxy.get().port();
        if (r.inject()) {
          // Only the proxy is reachable; the proxy user in its URL is what names the run there.
          net.firewall(proxyAddress, proxy.get().port(), 0);
          env.network(
              InjectClient.proxyUrl(
                  visibleProxy, settings.injectProxyUser(), settings.injectProxySecretFile()),
              null);
        } else {
          CredentialEndpoint endpoint =
              CredentialEndpoint.start(
                  net.hostAddress(),
                  net.sandboxAddress(),
                  cache,
                  r.repo(),
                  settings.gitHost(),
                  log);
          teardown.endpoint(endpoint);
          net.firewall(proxyAddress, proxy.get().port(), endpoint.port());
          env.network(
              "http://" + visibleProxy, "http://" + net.hostAddress() + ":" + endpoint.port());
        }
        nsPath = Optional.of(net.namespacePath());
      } else if (appleVm && proxy.isPresent()) {
        // A VM the launcher cannot firewall: proxy-preferred, and the token by environment name.
        log.warn(
            "the container runtime cannot enforce proxy-only networking; HTTPS_PROXY is advisory there");
        env.network("http://" + proxy.get(), null);
        env.token(first.token());
      }
      SandboxSpec spec = spec(r, nsPath, env, files);
      LaunchPlan plan = r.backend().plan(spec);
      List<String> argv = new ArrayList<>(plan.argv());
      if (!r.backend().limitsItself()) {
        CgroupLimits limits =
            CgroupLimits.create("agent-run-" + log.runId(), r.memoryBytes(), r.cpus(), r.pids());
        teardown.cgroups(limits);
        argv.addAll(0, List.of("/bin/sh", "-c", limits.joinScript(), "sh"));
      }
      Supervisor sup = new Supervisor(plan, host, log);
      teardown.supervisor(sup);
      if (r.inject()) {
        log.startedInjected(
            r.backend().name(),
            r.repo(),
            settings.injectProxyUser(),
            registrationExpires.toString(),
            r.timeout().toString());
      } else if (first != null) {
        log.started(
            r.backend().name(),
            r.repo(),
            first,
            nsPath.isPresent() ? "proxy-only" : appleVm ? "proxy-preferred" : "none",
            r.timeout().toString());
      }
      phases.stop("setup");
      int exit =
          phases.time(
              "sandbox",
              () ->
                  sup.run(
                      argv,
                      env.forRuntime(r.backend().name(), launcherEnv),
                      r.interactive(),
                      r.timeout()));
      String outcome = sup.timedOut() ? "timeout" : "exited";
      int status = sup.timedOut() ? ExitCode.TIMEOUT.code() : exit;
      phases.time("teardown", () -> teardown.run(outcome));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      log.ended(outcome, status, teardown.revoked(), teardown.leases(), ms, phases.render());
      return status;
    } catch (RuntimeException e) {
      teardown.run("error");
      throw e;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or ran; teardown is idempotent
      }
    }
  }

  /**
   * {@code --inject}: registers the run at the egress proxy for exactly the scope the broker's
   * explain answered (nothing minted here; the proxy mints with its own identity), and returns the
   * proxy's CA certificate. Registered with the teardown first, so every exit unregisters.
   */
  private String register(RunRequest r, Explanation ex, Instant expires, Phases phases) {
    InjectClient client =
        new InjectClient(settings.injectControlUrl(), settings.injectSecretFile());
    // Fail on an unreadable proxy secret before anything is registered.
    InjectClient.proxyUrl(
        "127.0.0.1:0", settings.injectProxyUser(), settings.injectProxySecretFile());
    List<String> repos =
        ex.scopeRepositories().isEmpty() ? List.of(r.repo().name()) : ex.scopeRepositories();
    Map<String, String> perms =
        ex.scopePermissions().isEmpty() ? r.permissions() : ex.scopePermissions();
    InjectClient.Registration reg =
        new InjectClient.Registration(
            log.runId(), settings.injectProxyUser(), r.repo().owner(), repos, perms, expires);
    phases.time("register", () -> client.register(reg));
    teardown.injected(client, log.runId());
    return phases.time("ca", client::caPem);
  }

  private void checkRuntime(RunRequest r, boolean netns) {
    String bin = r.backend().binary();
    if (Host.which(bin).isEmpty()) {
      throw new AgentException(
          ExitCode.RUNTIME_UNAVAILABLE, bin + " is not installed (" + install(bin) + ")");
    }
    boolean needsRoot = netns || r.backend() instanceof Bubblewrap;
    if (needsRoot && !Host.isRoot()) {
      throw new AgentException(
          ExitCode.RUNTIME_UNAVAILABLE,
          "--runtime "
              + r.backend().name()
              + " needs root here: "
              + (netns ? "the proxy-only network namespace" : "cgroup limits for bubblewrap")
              + " (run agent as root, or use a runtime that enforces limits itself)");
    }
    if (netns) {
      for (String tool : List.of("ip", "nft")) {
        if (Host.which(tool).isEmpty()) {
          throw new AgentException(
              ExitCode.RUNTIME_UNAVAILABLE, tool + " is not installed (" + install(tool) + ")");
        }
      }
    }
  }

  static String install(String bin) {
    return switch (bin) {
      case "bwrap" -> "apt-get install bubblewrap";
      case "podman" -> "apt-get install podman runc";
      case "docker" -> "install the docker CLI";
      case "nft" -> "apt-get install nftables";
      case "ip" -> "apt-get install iproute2";
      case "container" -> "https://github.com/apple/container";
      default -> "install " + bin;
    };
  }

  /** The proxy must accept connections; a netns DNAT target must be one of this host's IPv4s. */
  private static InetAddress checkProxy(HostPort p, boolean mustBeLocal) {
    InetAddress a;
    try {
      a = InetAddress.getByName(p.host());
    } catch (UnknownHostException e) {
      throw new AgentException(
          ExitCode.EGRESS_UNREACHABLE,
          Settings.EGRESS_PROXY + " host " + p.host() + " does not resolve");
    }
    if (mustBeLocal && !(a instanceof java.net.Inet4Address && Host.isLocal(a))) {
      throw new AgentException(
          ExitCode.SETTINGS,
          Settings.EGRESS_PROXY
              + " "
              + p
              + " must be an IPv4 address of this host (the sandbox's link is DNAT-ed to it)");
    }
    if (!Host.accepts(a, p.port(), 2000)) {
      throw new AgentException(
          ExitCode.EGRESS_UNREACHABLE, "the egress proxy " + p + " does not accept connections");
    }
    return a;
  }

  private SandboxSpec spec(
      RunRequest r, Optional<String> nsPath, SandboxEnv env, HelperFiles files) {
    Optional<SandboxSpec.PodmanStorage> storage =
        settings
            .podmanRoot()
            .map(
                root ->
                    new SandboxSpec.PodmanStorage(root, settings.podmanRunroot().orElseThrow()));
    return new SandboxSpec(
        log.runId(),
        r.command(),
        r.interactive(),
        r.workspace(),
        r.memoryBytes(),
        Math.min(r.cpus(), Runtime.getRuntime().availableProcessors()),
        r.pids(),
        nsPath,
        env.names(r.backend().name()),
        files.dir(),
        r.image(),
        r.rootfs(),
        settings.dockerNetwork(),
        storage);
  }
}
