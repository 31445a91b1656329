package dev.agentbroker.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@code agent run} (bubblewrap, the chain's settings) whose command pauses once it is up, so a
 * test can look at the live sandbox from the host and hand it values it only knows then (its link
 * address, the host end's IPv6 address). Protocol over the {@code --workspace} bind: the sandbox
 * writes {@code ready} (its {@code KEY=value} facts), waits for {@code go} (shell assignments the
 * test writes), sources it and runs the rest of the script.
 */
final class PausedSandbox implements AutoCloseable {
  private final Agent agent;
  private final Path workspace;
  private Agent.Result result;

  private PausedSandbox(Agent agent, Path workspace) {
    this.agent = agent;
    this.workspace = workspace;
  }

  /**
   * Starts {@code bash -c} with {@code afterGo} behind the pause. The ready file has {@code
   * host=<the host end's IPv4 address>}, {@code if=<the sandbox's link>} and {@code marker=<this
   * sandbox's unique sleep command line>}.
   */
  static PausedSandbox start(Path workspace, String afterGo) throws Exception {
    workspace.toFile().setWritable(true, false);
    workspace.toFile().setExecutable(true, false);
    String marker = "sleep 0." + (100 + System.nanoTime() % 800);
    String script =
        String.join(
            "\n",
            "set -u",
            "H=${AGENT_CREDENTIAL_URL#http://}; H=${H%:*}",
            "IF=$(sed -n 's/^ *\\([a-z0-9]*\\):.*/\\1/p' /proc/net/dev | grep -v '^lo$' | head -1)",
            "printf 'host=%s\\nif=%s\\nmarker=%s\\n' \"$H\" \"$IF\" '"
                + marker
                + "' > /workspace/ready.tmp",
            "mv /workspace/ready.tmp /workspace/ready",
            "i=0; while [ ! -e /workspace/go ] && [ $i -lt 600 ]; do "
                + marker
                + "; i=$((i+1)); done",
            "[ -e /workspace/go ] || { echo NO-GO; exit 3; }",
            ". /workspace/go",
            afterGo,
            "echo SCRIPT-DONE");
    Agent a =
        Agent.start(
            Chain.agentEnv(),
            null,
            "run",
            "--repo",
            "acme/svc-a",
            "--workspace",
            workspace.toString(),
            "--",
            "bash",
            "-c",
            script);
    PausedSandbox s = new PausedSandbox(a, workspace);
    Processes.await(
        () -> Files.exists(workspace.resolve("ready")) || !a.process.isAlive(),
        Duration.ofSeconds(60),
        "the sandbox to start");
    if (!Files.exists(workspace.resolve("ready"))) {
      Agent.Result r = a.await(Duration.ofSeconds(10));
      throw new AssertionError("sandbox did not start: " + r.exit() + "\n" + r.err() + r.out());
    }
    return s;
  }

  /** The sandbox's {@code ready} facts. */
  Map<String, String> facts() throws Exception {
    Map<String, String> m = new LinkedHashMap<>();
    for (String line : Files.readAllLines(workspace.resolve("ready"))) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        m.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return m;
  }

  /** Lets the script go on with these shell variables; waits for the run to end. */
  Agent.Result go(Map<String, String> vars, Duration max) throws Exception {
    StringBuilder sb = new StringBuilder();
    vars.forEach((k, v) -> sb.append(k).append("='").append(v).append("'\n"));
    Path tmp = workspace.resolve("go.tmp");
    Files.writeString(tmp, sb.toString());
    Files.move(tmp, workspace.resolve("go"));
    result = agent.await(max);
    return result;
  }

  /** Host pids of the sandbox's shell (inside bubblewrap's namespaces), running the script now. */
  List<Long> shellPids() throws Exception {
    String marker = facts().get("marker");
    return Processes.all().stream()
        .filter(
            p -> {
              String cmd = Processes.read(p.resolve("cmdline"));
              return cmd.startsWith("bash -c set -u\n") && cmd.contains(marker);
            })
        .map(p -> Long.parseLong(p.getFileName().toString()))
        .toList();
  }

  @Override
  public void close() throws Exception {
    if (result == null) {
      agent.process.destroy();
      agent.await(Duration.ofSeconds(30));
    }
  }
}
