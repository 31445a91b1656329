package dev.agentbroker.testkit.demo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The command line of the broker JVM the demo (and the benchmarks built on it) starts. Without a
 * ceiling the JVM may take a quarter of the machine's memory as heap and, under load, does: the
 * garbage of a mint burst then sits in a heap of gigabytes (RSS grew to 1.4 GB in a 4-minute mint
 * soak). The default ceiling holds the broker's own live data (~15 MB after start) plus a full
 * default lease registry (1,000,000 leases) of classic 40-character tokens (~110 MB); see
 * docs/configuration.md, "Broker JVM", for sizing with GitHub's longer stateless tokens.
 */
public final class BrokerJvm {
  /** Env var that replaces the default options (set but empty: none, the JVM's own sizing). */
  public static final String ENV = "BROKER_JAVA_OPTS";

  /**
   * 256 MB of heap. The serial collector: its own bookkeeping is under 1 MB where G1's was 44 MB
   * for this heap (native memory tracking during bench/soak.sh), the broker's young collections are
   * short and need no concurrent marking, and the JVM itself picks it on machines under 2 CPUs or
   * 1792 MB. An OutOfMemoryError ends the process (exit 3) instead of leaving a broker whose
   * threads may have died half-way through a mint or a journal write.
   */
  public static final String DEFAULT_OPTS = "-Xmx256m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError";

  private BrokerJvm() {}

  /** {@code java <options> -jar <jar>}, the options from {@code env}'s {@value #ENV}. */
  public static List<String> command(Path brokerJar, Map<String, String> env) {
    List<String> cmd = new ArrayList<>();
    cmd.add("java");
    cmd.addAll(options(env));
    cmd.add("-jar");
    cmd.add(brokerJar.toString());
    return cmd;
  }

  static List<String> options(Map<String, String> env) {
    String opts = env.getOrDefault(ENV, DEFAULT_OPTS).strip();
    return opts.isEmpty() ? List.of() : List.of(opts.split("\\s+"));
  }
}
