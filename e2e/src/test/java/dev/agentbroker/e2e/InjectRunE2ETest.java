package dev.agentbroker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.testkit.demo.DemoStack;
import dev.agentbroker.testkit.github.GitHubSimulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code agent run --inject} for real (issue #13): broker fast-jar, egress proxy injecting for the
 * sandboxes' proxy user, the HTTPS git host posing as github.com, a bubblewrap sandbox. The sandbox
 * clones, commits and pushes with no GitHub credential anywhere inside it: its environment, its
 * process list and every file it can write or was given are dumped from inside and searched for
 * {@code ghs_}, a private key, and any string whose SHA-256 is a token the broker minted. Its own
 * chain: the sandboxes' policy entry is bound to a proxy user here, unlike {@link Chain}'s.
 */
class InjectRunE2ETest {
  static DemoStack stack;
  static GitHubSimulator sim;
  static Map<String, String> env;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    assertTrue(
        dev.agentbroker.sandbox.internal.host.Host.isRoot(),
        "the end-to-end tests start sandboxes in network namespaces: run ./run-tests as root");
    Path work = Files.createTempDirectory("agent-e2e-inject-");
    stack =
        DemoStack.start(
            new DemoStack.Options(
                Chain.ROOT.resolve("broker/target/quarkus-app/quarkus-run.jar"),
                work,
                DemoStackPorts.free(),
                Optional.of(Chain.egressClasspath()),
                Map.of(),
                true,
                "",
                false,
                true));
    sim = stack.simulator();
    env = new LinkedHashMap<>();
    env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"));
    for (String line : Files.readAllLines(work.resolve("agent.env"))) {
      if (line.startsWith("export ")) {
        String kv = line.substring(7);
        env.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
      }
    }
    env.put("AGENT_RUNTIME", "bwrap");
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  String repoUrl(String repo) {
    return "https://github.com:" + stack.git().port() + "/" + repo + ".git";
  }

  @Test
  void pushesWithNoGitHubCredentialInsideTheSandbox(@TempDir Path ws) throws Exception {
    ws.toFile().setWritable(true, false);
    ws.toFile().setExecutable(true, false);
    int active = sim.activeTokenCount();
    String before = stack.git().ref("acme/svc-a", "refs/heads/main");
    String script =
        String.join(
            "\n",
            "set -u",
            "S=/workspace/scan; mkdir -p $S",
            "cd /workspace",
            "git clone -q " + repoUrl("acme/svc-a") + " repo && cd repo",
            "git -c user.name=agent -c user.email=agent@example.invalid commit -q --allow-empty -m injected",
            "git push -q origin HEAD:main && echo PUSH-OK",
            "cd /workspace",
            "git ls-remote "
                + repoUrl("acme/svc-b")
                + " >/dev/null 2>$S/other.err"
                + " && echo OTHER-REPO-REACHED || echo other-repo-refused",
            "curl -sS -o /dev/null -w 'other-status=%{http_code}\\n' '"
                + repoUrl("acme/svc-b")
                + "/info/refs?service=git-upload-pack'",
            // What a prompt-injected agent could look at: its environment, every process, every
            // file it may write or was given.
            "env > $S/env",
            "(ps -eo pid,args 2>&1 || true) > $S/ps",
            "for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline; echo; tr '\\0' '\\n' < $p/environ; done"
                + " > $S/proc 2>/dev/null",
            // The patterns are assembled at run time: the script itself is in the process list.
            "T=gh; T=${T}s_; K=PRIVATE; K=\"$K KEY\"",
            "grep -r -l -I -e \"$T\" -e \"$K\" /run/agent /home/agent /tmp /workspace/repo"
                + " > $S/grep-hits 2>/dev/null; echo grep-exit=$?",
            "tar cf $S/files.tar /run/agent /home/agent /tmp /workspace/repo 2>/dev/null;"
                + " echo tar-exit=$?",
            "grep -c 'BEGIN CERTIFICATE' /run/agent/ca-bundle.pem | sed 's/^/ca-certs=/'",
            "ls /run/agent | tr '\\n' ' ' | sed 's/^/helper-files=/'; echo");
    Agent.Result r =
        Agent.run(
            env,
            "run",
            "--inject",
            "--repo",
            "acme/svc-a",
            "--workspace",
            ws.toString(),
            "--",
            "sh",
            "-c",
            script);
    assertEquals(0, r.exit(), r.err() + r.out());
    for (String expected :
        List.of("PUSH-OK", "other-repo-refused", "other-status=403", "grep-exit=1", "tar-exit=0")) {
      assertTrue(r.out().contains(expected), expected + " in:\n" + r.out() + r.err());
    }
    assertNotEquals(before, stack.git().ref("acme/svc-a", "refs/heads/main"), "the push landed");
    assertTrue(
        Files.readString(ws.resolve("scan/other.err")).contains("403"),
        "git saw the proxy's 403 for svc-b");
    assertFalse(
        r.out().contains("git-credential-agent") || r.out().contains("agent-token"),
        "no credential helper was given: " + r.out());

    // The proxy minted, with its own identity; the sandbox holds none of it.
    Set<String> minted = journalTokenHashes(stack.work().resolve("journal"));
    assertFalse(minted.isEmpty(), "the broker journal records the proxy's mint");
    StringBuilder dumped = new StringBuilder();
    try (Stream<Path> files = Files.walk(ws.resolve("scan"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        dumped.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).append('\n');
      }
    }
    String all = dumped.toString();
    assertTrue(all.contains("HTTPS_PROXY=http://sandbox-inject:"), "the dumps are real: " + all);
    assertTrue(all.length() > 10_000, "the file dump holds the clone and /run/agent");
    assertEquals("", around(all, "ghs_"), "no GitHub token shape in env, processes or files");
    assertEquals("", around(all, "PRIVATE KEY"), "no private key (the proxy's CA key) inside");
    assertEquals(List.of(), hashedMatches(all, minted), "no minted token text inside");
    assertFalse(r.err().contains("ghs_") || r.out().contains("ghs_"), "launcher output");
    for (String log : List.of("broker.log", "egress.log", "journal", "egress-audit")) {
      assertFalse(text(stack.work().resolve(log)).contains("ghs_"), log);
    }

    // The run was unregistered: the proxy revoked its token, the registration is gone.
    assertTrue(r.err().contains("agent.inject run=") && r.err().contains("outcome=unregistered"));
    Processes.await(
        () -> sim.activeTokenCount() == active, Duration.ofSeconds(15), "the lease's revocation");
    String runId = runId(r.err());
    assertEquals(404, control("DELETE", "/runs/" + runId).statusCode(), "unknown_run afterwards");
    // The proxy's log goes through a buffer flushed every 200 ms (egress README): wait for it.
    Path egressLogFile = stack.work().resolve("egress.log");
    Processes.await(
        () -> {
          try {
            return text(egressLogFile).contains("reason=cross_repository");
          } catch (Exception e) {
            return false;
          }
        },
        Duration.ofSeconds(5),
        "the proxy's cross_repository line");
    String egressLog = Files.readString(egressLogFile);
    assertTrue(egressLog.contains("run=" + runId), egressLog);
    assertEquals(List.of(), Chain.sandboxNamespaces(), "no network namespace left");
  }

  @Test
  void sigtermAndTheTimeoutUnregisterTheRun() throws Exception {
    String sleep = "sleep " + (4000 + System.nanoTime() % 1000);
    Agent a =
        Agent.start(
            env,
            null,
            "run",
            "--inject",
            "--repo",
            "acme/svc-a",
            "--",
            "sh",
            "-c",
            sleep + "; true");
    Agent.Result r;
    String runId;
    try {
      Processes.await(
          () -> Processes.anyCommandLineIs(sleep), Duration.ofSeconds(30), "the sandbox to start");
      runId = runId(a.stderrSoFar());
      assertTrue(egressLog().contains("inject run registered run=" + runId), egressLog());
    } finally {
      a.process.destroy(); // SIGTERM
      r = a.await(Duration.ofSeconds(30));
    }
    assertEquals(143, r.exit(), r.err());
    assertTrue(r.err().contains("agent.inject run=" + runId + " outcome=unregistered"), r.err());
    String unregistered = "inject run unregistered run=" + runId;
    Processes.await(
        () -> egressLog().contains(unregistered), Duration.ofSeconds(10), "the proxy's log line");
    assertFalse(Processes.anyCommandLineIs(sleep), "the sandbox died with the launcher");

    r =
        Agent.run(
            env,
            "run",
            "--inject",
            "--repo",
            "acme/svc-a",
            "--timeout",
            "2s",
            "--",
            "sh",
            "-c",
            "sleep 30; true");
    assertEquals(124, r.exit(), r.err());
    runId = runId(r.err());
    assertTrue(r.err().contains("agent.inject run=" + runId + " outcome=unregistered"), r.err());
    assertEquals(404, control("DELETE", "/runs/" + runId).statusCode(), "already gone");
    assertEquals(List.of(), Chain.sandboxNamespaces());
  }

  static String egressLog() {
    try {
      return Files.readString(stack.work().resolve("egress.log"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void refusesWithoutTheProxyAndNeverFallsBackToAToken() throws Exception {
    int issued = sim.issuedTokenCount();
    Map<String, String> closed = new LinkedHashMap<>(env);
    closed.put("AGENT_INJECT_CONTROL_URL", "http://127.0.0.1:" + DemoStackPorts.free());
    Agent.Result r = Agent.run(closed, "run", "--inject", "--repo", "acme/svc-a", "--", "true");
    assertEquals(77, r.exit(), r.err());
    assertEquals(1, r.errorLines().size(), r.err());
    assertTrue(r.err().startsWith("agent: inject_unavailable: cannot reach"), r.err());

    Path wrong = Files.createTempFile("inject-secret-", ".txt");
    Files.writeString(wrong, "not-the-registration-secret-0123456789\n");
    Map<String, String> refused = new LinkedHashMap<>(env);
    refused.put("AGENT_INJECT_SECRET_FILE", wrong.toString());
    r = Agent.run(refused, "run", "--inject", "--repo", "acme/svc-a", "--", "true");
    assertEquals(77, r.exit(), r.err());
    assertTrue(r.err().contains("HTTP 401 unauthenticated"), r.err());
    assertFalse(r.err().contains("not-the-registration-secret"), "the secret is never printed");

    Map<String, String> missing = new LinkedHashMap<>(env);
    missing.remove("AGENT_INJECT_PROXY_USER");
    r = Agent.run(missing, "run", "--inject", "--repo", "acme/svc-a", "--", "true");
    assertEquals(65, r.exit(), r.err());
    assertTrue(r.err().contains("AGENT_INJECT_PROXY_USER is not set"), r.err());
    assertEquals(issued, sim.issuedTokenCount(), "nothing was minted, by anyone");
    assertEquals(List.of(), Chain.sandboxNamespaces());
  }

  static HttpResponse<String> control(String method, String path) throws Exception {
    String secret = Files.readString(stack.injectControlSecret().orElseThrow()).strip();
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(stack.injectControlUrl().orElseThrow() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .header("Authorization", "Bearer " + secret)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String runId(String err) {
    Matcher m = Pattern.compile("agent\\.run run=([0-9a-f]+) outcome=started").matcher(err);
    assertTrue(m.find(), err);
    return m.group(1);
  }

  /** The text around the first {@code needle} (for the failure message), or "" when absent. */
  static String around(String text, String needle) {
    int i = text.indexOf(needle);
    return i < 0
        ? ""
        : text.substring(Math.max(0, i - 80), Math.min(text.length(), i + needle.length() + 4));
  }

  /** A file's text, or every file's under a directory. */
  static String text(Path p) throws Exception {
    StringBuilder b = new StringBuilder();
    try (Stream<Path> files = Files.walk(p)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        b.append(Files.readString(f, StandardCharsets.ISO_8859_1));
      }
    }
    return b.toString();
  }

  /** Every token_sha256 in the broker's audit journal. */
  static Set<String> journalTokenHashes(Path dir) throws Exception {
    Set<String> out = new TreeSet<>();
    Pattern p = Pattern.compile("\"token_sha256\"\\s*:\\s*\"([0-9a-f]{64})\"");
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Matcher m = p.matcher(Files.readString(f, StandardCharsets.ISO_8859_1));
        while (m.find()) {
          out.add(m.group(1));
        }
      }
    }
    return out;
  }

  /** Strings of the dumps (runs of token characters, 20+) whose SHA-256 is in {@code hashes}. */
  static List<String> hashedMatches(String text, Set<String> hashes) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    Matcher m = Pattern.compile("[A-Za-z0-9_.-]{20,}").matcher(text);
    List<String> found = new java.util.ArrayList<>();
    while (m.find()) {
      String h =
          HexFormat.of().formatHex(sha.digest(m.group().getBytes(StandardCharsets.ISO_8859_1)));
      if (hashes.contains(h)) {
        found.add(m.group().substring(0, 8) + "…");
      }
    }
    return found;
  }
}
