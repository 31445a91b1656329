package dev.agentbroker.egress.internal.inject;

import dev.agentbroker.egress.internal.inject.InjectHarness.Result;
import dev.agentbroker.egress.internal.inject.TokenSource.Lease;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Benchmark (run by bench/inject-bench.sh, not a test): the same upstreams reached directly,
 * through a plain CONNECT tunnel of the egress proxy, and through its injecting mode, in one run. A
 * {@code git clone --bare} of a repository with a {@code bench.repo.mib} (default 55) MiB
 * incompressible blob, {@code bench.rounds} times per mode (interleaved), and {@code bench.gets}
 * small API GETs per mode over one keep-alive connection (curl, per-request {@code time_total}; the
 * first {@code bench.warmup.gets} are warm-up and not counted). Prints a Markdown table. Direct and
 * plain-CONNECT clients present a token they were given (as a sandbox without injection would); the
 * injecting client presents none.
 */
public final class InjectBench {
  private static final long MIB = 1024 * 1024;

  public static void main(String[] args) throws Exception {
    int rounds = Integer.getInteger("bench.rounds", 5);
    int gets = Integer.getInteger("bench.gets", 1000);
    int warmGets = Integer.getInteger("bench.warmup.gets", 100);
    long repoMib = Long.getLong("bench.repo.mib", 55);
    Path dir = Files.createTempDirectory("inject-bench-");
    try (InjectHarness h = new InjectHarness(dir, 256 * MIB)) {
      if (h.register("bench-run", "svc-a").statusCode() != 201) {
        throw new IllegalStateException("registration failed");
      }
      seed(h, dir, repoMib);
      Lease lease =
          new BrokerTokens(h.broker.uri(), dir.resolve("broker.jwt"), Optional.empty())
              .mint(new Grant("acme", List.of("svc-a"), Map.of("contents", "read")));
      Map<String, Map<String, String>> gitEnv = new LinkedHashMap<>();
      gitEnv.put("direct", withToken(baseEnv(h, dir), lease, h, true));
      Map<String, String> connect = withToken(baseEnv(h, dir), lease, h, false);
      connect.put("HTTPS_PROXY", plainProxy(h));
      gitEnv.put("connect", connect);
      gitEnv.put("inject", new HashMap<>(h.sandboxEnv()));

      Map<String, List<Double>> clone = new LinkedHashMap<>();
      gitEnv.keySet().forEach(k -> clone.put(k, new ArrayList<>()));
      for (int r = -1; r < rounds; r++) { // round -1 warms every path up
        for (var e : gitEnv.entrySet()) {
          Path dest = dir.resolve("clone-" + e.getKey() + "-" + (r + 1));
          long t0 = System.nanoTime();
          Result res =
              InjectHarness.run(
                  dir,
                  e.getValue(),
                  "git",
                  "clone",
                  "-q",
                  "--bare",
                  h.gitUrl("acme/svc-a"),
                  dest.toString());
          double s = (System.nanoTime() - t0) / 1e9;
          if (res.exit() != 0) {
            throw new IllegalStateException(e.getKey() + " clone failed: " + res.output());
          }
          if (r >= 0) {
            clone.get(e.getKey()).add(s);
          }
          deleteTree(dest);
        }
      }

      Map<String, double[]> api = new LinkedHashMap<>();
      for (String mode : gitEnv.keySet()) {
        api.put(mode, apiGets(h, dir, mode, lease, gets + warmGets, warmGets));
      }
      print(clone, api, repoMib, rounds, gets);
    } finally {
      deleteTree(dir);
    }
  }

  /** A commit with an incompressible blob of {@code mib} MiB, pushed to the bare repository. */
  private static void seed(InjectHarness h, Path dir, long mib) throws Exception {
    Path bare = h.git.workDir().resolve("acme/svc-a.git");
    Path seed = dir.resolve("seed");
    Map<String, String> env = baseEnv(h, dir);
    check(InjectHarness.run(dir, env, "git", "clone", "-q", bare.toString(), seed.toString()));
    check(
        InjectHarness.run(
            seed, env, "sh", "-c", "head -c " + (mib * MIB) + " /dev/urandom > big.bin"));
    check(InjectHarness.run(seed, env, "git", "add", "big.bin"));
    check(InjectHarness.run(seed, env, "git", "commit", "-q", "-m", "bench payload"));
    check(InjectHarness.run(seed, env, "git", "push", "-q", "origin", "HEAD:main"));
    deleteTree(seed);
  }

  private static Map<String, String> baseEnv(InjectHarness h, Path dir) {
    Map<String, String> env = new HashMap<>(h.sandboxEnv());
    env.remove("HTTPS_PROXY");
    env.put("GIT_SSL_CAINFO", dir.resolve("upstream-ca.pem").toString());
    return env;
  }

  /**
   * The token as an extra header (git config from the environment, never on a command line); {@code
   * resolve}: github.com → 127.0.0.1 for the direct client, which has no proxy to resolve.
   */
  private static Map<String, String> withToken(
      Map<String, String> env, Lease lease, InjectHarness h, boolean resolve) {
    String basic =
        Base64.getEncoder()
            .encodeToString(("x-access-token:" + lease.token()).getBytes(StandardCharsets.UTF_8));
    env.put("GIT_CONFIG_COUNT", resolve ? "2" : "1");
    env.put("GIT_CONFIG_KEY_0", "http.extraHeader");
    env.put("GIT_CONFIG_VALUE_0", "Authorization: Basic " + basic);
    if (resolve) {
      env.put("GIT_CONFIG_KEY_1", "http.curloptResolve");
      env.put("GIT_CONFIG_VALUE_1", "github.com:" + h.git.port() + ":127.0.0.1");
    }
    return env;
  }

  private static String plainProxy(InjectHarness h) {
    return "http://"
        + InjectHarness.PLAIN_USER
        + ":"
        + InjectHarness.PROXY_SECRET
        + "@127.0.0.1:"
        + h.proxyPort();
  }

  /**
   * {@code n} GETs of one small API resource from one curl process (one keep-alive connection);
   * everything but the URL list goes in a curl config file, so no credential is on a command line.
   * Returns per-request seconds after the warm-up.
   */
  private static double[] apiGets(
      InjectHarness h, Path dir, String mode, Lease lease, int n, int warm) throws Exception {
    StringBuilder cfg = new StringBuilder("silent\nfail\n");
    cfg.append("write-out = \"%{time_total}\\n\"\n");
    switch (mode) {
      case "direct" ->
          cfg.append("cacert = \"" + dir.resolve("upstream-ca.pem") + "\"\n")
              .append("resolve = \"api.github.com:" + h.api.port() + ":127.0.0.1\"\n")
              .append("header = \"Authorization: Bearer " + lease.token() + "\"\n");
      case "connect" ->
          cfg.append("cacert = \"" + dir.resolve("upstream-ca.pem") + "\"\n")
              .append("proxy = \"http://127.0.0.1:" + h.proxyPort() + "\"\n")
              .append(
                  "proxy-user = \""
                      + InjectHarness.PLAIN_USER
                      + ":"
                      + InjectHarness.PROXY_SECRET
                      + "\"\n")
              .append("header = \"Authorization: Bearer " + lease.token() + "\"\n");
      default ->
          cfg.append("cacert = \"" + h.caPem + "\"\n")
              .append("proxy = \"http://127.0.0.1:" + h.proxyPort() + "\"\n")
              .append(
                  "proxy-user = \""
                      + InjectHarness.USER
                      + ":"
                      + InjectHarness.PROXY_SECRET
                      + "\"\n");
    }
    for (int i = 0; i < n; i++) {
      cfg.append("url = \"" + h.apiUrl("/repos/acme/svc-a") + "\"\noutput = \"/dev/null\"\n");
    }
    Path file = dir.resolve("curl-" + mode + ".cfg");
    Files.writeString(file, cfg);
    Map<String, String> env = Map.of("PATH", System.getenv("PATH"), "HOME", dir.toString());
    Result r = InjectHarness.run(dir, env, "curl", "-K", file.toString());
    Files.delete(file);
    String[] lines = r.output().strip().split("\n");
    if (r.exit() != 0 || lines.length != n) {
      throw new IllegalStateException(
          mode + " GETs failed (exit " + r.exit() + ", " + lines.length + " answers)");
    }
    double[] out = new double[n - warm];
    for (int i = warm; i < n; i++) {
      out[i - warm] = Double.parseDouble(lines[i]);
    }
    java.util.Arrays.sort(out);
    return out;
  }

  private static void print(
      Map<String, List<Double>> clone, Map<String, double[]> api, long mib, int rounds, int gets) {
    System.out.println(
        "| path | clone "
            + mib
            + " MiB, median of "
            + rounds
            + " (s) | vs connect | API GET p50 (ms) | p90 (ms) | p50 added vs connect (ms) |");
    System.out.println("|---|---|---|---|---|---|");
    double cloneConnect = median(clone.get("connect"));
    double p50Connect = api.get("connect")[api.get("connect").length / 2] * 1000;
    for (String mode : clone.keySet()) {
      double c = median(clone.get(mode));
      double[] a = api.get(mode);
      double p50 = a[a.length / 2] * 1000;
      double p90 = a[(int) (a.length * 0.9)] * 1000;
      System.out.printf(
          "| %s | %.2f | %.2fx | %.3f | %.3f | %+.3f |%n",
          mode, c, c / cloneConnect, p50, p90, p50 - p50Connect);
    }
    System.out.println();
    System.out.println(
        "Aim (issue #13): inject clone <= 1.3x connect; inject p50 <= connect p50 + 1 ms. "
            + gets
            + " GETs per path after warm-up.");
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    s.sort(null);
    return s.get(s.size() / 2);
  }

  private static void check(Result r) {
    if (r.exit() != 0) {
      throw new IllegalStateException(r.output());
    }
  }

  private static void deleteTree(Path p) throws java.io.IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var walk = Files.walk(p)) {
      for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    }
  }
}
