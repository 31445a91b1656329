package dev.agentbroker.sandbox.internal.cli;

import dev.agentbroker.sandbox.AgentException;
import dev.agentbroker.sandbox.internal.broker.BrokerClient;
import dev.agentbroker.sandbox.internal.broker.Explanation;
import dev.agentbroker.sandbox.internal.broker.TokenRequestBody;
import dev.agentbroker.sandbox.internal.caller.CallerCredentials;
import dev.agentbroker.sandbox.internal.host.Host;
import dev.agentbroker.sandbox.internal.net.HostCommands;
import dev.agentbroker.sandbox.internal.runtime.Backend;
import dev.agentbroker.sandbox.internal.settings.HostPort;
import dev.agentbroker.sandbox.internal.settings.Settings;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description =
        "Check what agent run needs, and say what to fix: settings, broker, caller credential, (with --repo) the policy's answer, runtimes, root, ip/nft, the egress proxy. Exit 0 when nothing failed, 1 otherwise.")
final class DoctorCommand implements Callable<Integer> {
  @Mixin SettingsOptions settings;
  @Mixin RequestOptions request;

  @Option(
      names = "--runtime",
      paramLabel = "RUNTIME",
      description = "The runtime to check as the one in use (env AGENT_RUNTIME).")
  String runtime;

  private final Context ctx;
  private int failures;

  DoctorCommand(Context ctx) {
    this.ctx = ctx;
  }

  private void ok(String what, String detail) {
    ctx.out().printf("ok    %-18s %s%n", what, detail);
  }

  private void warn(String what, String detail) {
    ctx.out().printf("warn  %-18s %s%n", what, detail);
  }

  private void fail(String what, String detail) {
    failures++;
    ctx.out().printf("FAIL  %-18s %s%n", what, detail);
  }

  @Override
  public Integer call() {
    java.util.Map<String, String> o = settings.overrides();
    SettingsOptions.put(o, Settings.RUNTIME, runtime);
    Settings s = Settings.load(ctx.env(), o);
    if (s.problems().isEmpty()) {
      ok("settings", "no problems");
    } else {
      s.problems().forEach(p -> fail("settings", p));
    }
    checkBroker(s);
    String rt = s.runtime().orElse(Host.isLinux() ? "bwrap" : "container");
    checkRuntimes(rt);
    checkProxy(s, rt);
    ctx.out().flush();
    return failures == 0 ? 0 : 1;
  }

  private void checkBroker(Settings s) {
    if (s.raw(Settings.BROKER_URL).isEmpty()) {
      fail("broker", Settings.BROKER_URL + " is not set");
      return;
    }
    if (s.raw(Settings.CALLER_TOKEN_FILE).isEmpty()
        && s.raw(Settings.CALLER_TOKEN_COMMAND).isEmpty()) {
      fail(
          "caller credential",
          "set " + Settings.CALLER_TOKEN_FILE + " or " + Settings.CALLER_TOKEN_COMMAND);
      return;
    }
    try {
      s.requireBroker();
    } catch (AgentException e) {
      return; // already listed under settings
    }
    CallerCredentials caller = new CallerCredentials(s.caller(), ctx.clock());
    BrokerClient broker = new BrokerClient(s.brokerUrl(), caller);
    try {
      int status = broker.readiness();
      if (status == 200) {
        ok("broker", s.brokerUrl() + " is ready");
      } else {
        fail(
            "broker",
            s.brokerUrl()
                + " answers "
                + status
                + " on /q/health/ready (journal, key store or GitHub down?)");
      }
    } catch (AgentException e) {
      fail("broker", e.getMessage());
      return;
    }
    try {
      caller.get();
      ok("caller credential", caller.origin() + " holds an unexpired JWT");
    } catch (AgentException e) {
      fail("caller credential", e.getMessage());
      return;
    }
    if (request.repo == null) {
      warn("policy", "add --repo OWNER/NAME to ask the broker whether a run would be allowed");
      return;
    }
    try {
      TokenRequestBody body =
          new TokenRequestBody(request.repo(), request.permissions(request.profile()));
      Explanation ex = broker.explain(body);
      if (ex.allowed()) {
        ok(
            "policy",
            "allowed for "
                + ex.identityId().orElse("?")
                + " (rule "
                + ex.ruleId()
                + ", profile "
                + ex.profile().orElse("?")
                + "): "
                + ex.scopePermissions());
      } else {
        fail("policy", "denied: " + ex.reason() + " (rule " + ex.ruleId() + ")");
      }
    } catch (AgentException e) {
      fail("policy", e.getMessage());
    }
  }

  private void checkRuntimes(String selected) {
    for (String name : List.of("bwrap", "podman", "docker", "container")) {
      Backend b = Backend.named(name).orElseThrow();
      boolean present = Host.which(b.binary()).isPresent();
      String line = present ? Host.which(b.binary()).get().toString() : "not installed";
      if (name.equals(selected)) {
        if (present) {
          ok("runtime " + name, line + " (selected)");
        } else {
          fail("runtime " + name, "selected but not installed");
        }
      } else if (present) {
        ok("runtime " + name, line);
      } else {
        warn("runtime " + name, "not installed");
      }
    }
    if (selected.equals("podman") && Host.which("runc").isEmpty()) {
      fail(
          "runc",
          "podman is forced onto runc (crun fails on cgroup v1 hosts): apt-get install runc");
    }
    if (Backend.named(selected).isEmpty()) {
      fail("runtime", "'" + selected + "' is not one of " + Backend.NAMES);
    }
  }

  private void checkProxy(Settings s, String rt) {
    if (s.egressProxy().isEmpty()) {
      warn(
          "egress proxy",
          Settings.EGRESS_PROXY + " is not set: sandboxes get no network (and no token)");
      return;
    }
    HostPort p = s.egressProxy().get();
    boolean vm = rt.equals("container");
    if (!vm) {
      if (Host.isRoot()) {
        ok("root", "network namespaces and cgroups can be made");
      } else {
        fail("root", "proxy-only networking (a network namespace per run) needs root");
      }
      for (String tool : List.of("ip", "nft")) {
        if (Host.which(tool).isPresent()) {
          ok(tool, Host.which(tool).get().toString());
        } else {
          fail(
              tool,
              "not installed (apt-get install "
                  + (tool.equals("ip") ? "iproute2" : "nftables")
                  + ")");
        }
      }
    }
    try {
      InetAddress a = InetAddress.getByName(p.host());
      if (!vm && !(a instanceof Inet4Address && Host.isLocal(a))) {
        fail(
            "egress proxy",
            p + " is not an IPv4 address of this host (the sandbox link is DNAT-ed to it)");
      } else if (Host.accepts(a, p.port(), 2000)) {
        ok("egress proxy", p + " accepts connections");
      } else {
        fail("egress proxy", p + " does not accept connections (is ./run-egress running?)");
      }
    } catch (java.net.UnknownHostException e) {
      fail("egress proxy", p.host() + " does not resolve");
    }
    List<String> stale = staleNamespaces();
    if (!stale.isEmpty()) {
      warn("sandbox links", "orphaned (reclaimed on the next run): " + String.join(", ", stale));
    }
  }

  private static List<String> staleNamespaces() {
    HostCommands.Result r = new HostCommands().run(List.of("ip", "netns", "list"), null);
    if (!r.ok()) {
      return List.of();
    }
    return r.output()
        .lines()
        .map(l -> l.split(" ")[0])
        .filter(n -> n.matches("agent-s[0-9]+"))
        .filter(n -> !ownerAlive(n))
        .toList();
  }

  private static boolean ownerAlive(String ns) {
    try {
      String[] f =
          java.nio.file.Files.readString(java.nio.file.Path.of("/run/agent-sandbox", ns))
              .trim()
              .split(" ");
      return ProcessHandle.of(Long.parseLong(f[0])).isPresent();
    } catch (java.io.IOException | RuntimeException e) {
      return false;
    }
  }
}
