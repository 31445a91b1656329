package dev.agentbroker.egress;

import dev.agentbroker.egress.internal.Allowlist;
import dev.agentbroker.egress.internal.AllowlistSource;
import dev.agentbroker.egress.internal.BufferedLineHandler;
import dev.agentbroker.egress.internal.SettingsParser;
import dev.agentbroker.egress.internal.inject.InjectSettings;
import dev.agentbroker.policy.CompiledPolicy;
import dev.agentbroker.policy.PolicyCompiler;
import dev.agentbroker.policy.PolicyException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Logger;

/**
 * Command line: {@code run [--config FILE]} starts the proxy (embedded defaults without a file);
 * {@code check-config FILE} validates a settings file (and the policy it names) or a policy file
 * offline. Exit codes: 0 ok, 1 problems, 2 usage.
 */
public final class EgressMain {
  public static final String DEFAULT_SETTINGS = "egress-proxy-default.yaml";

  private EgressMain() {}

  public static void main(String[] args) throws Exception {
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      // One line per record: the decision line must stay one line in the log.
      System.setProperty(
          "java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s %5$s%6$s%n");
      if (System.getProperty("java.util.logging.config.file") == null) {
        // Same layout and stream as the default console handler, but buffered and without
        // String.format: see BufferedLineHandler and LineFormatter.
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
          if (h instanceof ConsoleHandler) {
            root.removeHandler(h);
            h.close();
          }
        }
        root.addHandler(BufferedLineHandler.stderr());
      }
    }
    if (args.length > 0 && args[0].equals("check-config")) {
      System.exit(checkConfig(args, System.out, System.err));
    }
    List<String> rest = new ArrayList<>(List.of(args));
    if (!rest.isEmpty() && rest.get(0).equals("run")) {
      rest.remove(0);
    }
    Path file = null;
    if (rest.size() == 2 && rest.get(0).equals("--config")) {
      file = Path.of(rest.get(1));
    } else if (!rest.isEmpty()) {
      System.err.println("usage: egress [run] [--config FILE] | egress check-config FILE");
      System.exit(2);
    }
    EgressConfig config = file == null ? embeddedSettings() : loadSettings(file);
    EgressProxy.Builder builder = EgressProxy.builder(config);
    if (file != null) {
      builder.settingsFile(file);
      builder.inject(injectSettings(file));
    }
    EgressProxy proxy = builder.start();
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  proxy.close();
                  stop.countDown();
                }));
    System.out.println(
        "egress proxy ready: "
            + proxy.listenAddresses()
            + (proxy.metricsAddress().map(a -> " metrics http:/" + a + "/metrics").orElse("")));
    stop.await();
  }

  /** The settings compiled into the jar (127.0.0.1:3128, embedded allowlist). */
  public static EgressConfig embeddedSettings() {
    return SettingsParser.parse(
        AllowlistSource.resource(DEFAULT_SETTINGS),
        "embedded:" + DEFAULT_SETTINGS,
        Path.of("").toAbsolutePath());
  }

  public static EgressConfig loadSettings(Path file) throws IOException {
    Path base = file.toAbsolutePath().getParent();
    return SettingsParser.parse(
        Files.readString(file, StandardCharsets.UTF_8), file.toString(), base);
  }

  /** The settings file's {@code inject:} section (ADR 0017); empty when absent or off. */
  public static Optional<InjectSettings> injectSettings(Path file) throws IOException {
    Path base = file.toAbsolutePath().getParent();
    return InjectSettings.parse(
        Files.readString(file, StandardCharsets.UTF_8), file.toString(), base);
  }

  /** {@code check-config FILE}: a settings file or a policy file; prints every problem. */
  public static int checkConfig(String[] args, PrintStream out, PrintStream err) {
    if (args.length != 2) {
      err.println("usage: egress check-config FILE   (proxy settings or policy file)");
      return 2;
    }
    Path file = Path.of(args[1]);
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      EgressConfig settings;
      CompiledPolicy policy;
      if (text.lines().anyMatch(l -> l.startsWith("version:"))) {
        policy = PolicyCompiler.load(file);
        settings = embeddedSettings();
      } else {
        settings = loadSettings(file);
        injectSettings(file);
        policy =
            settings.policyFile().isPresent()
                ? PolicyCompiler.load(settings.policyFile().get())
                : AllowlistSource.embeddedPolicy();
      }
      List<String> problems = new ArrayList<>(Allowlist.problems(policy.egress(), settings));
      if (!text.lines().anyMatch(l -> l.startsWith("version:"))) {
        injectSettings(file).ifPresent(i -> problems.addAll(i.problems(policy.egress())));
      }
      if (!problems.isEmpty()) {
        problems.forEach(p -> err.println(file + " " + p));
        return 1;
      }
      out.println(
          "OK: "
              + file
              + ": "
              + policy.egress().groups().size()
              + " groups, "
              + policy.egress().clients().size()
              + " client networks (policy "
              + policy.sourceName()
              + ")");
      return 0;
    } catch (PolicyException e) {
      err.println(e.getMessage());
      return 1;
    } catch (IOException | RuntimeException e) {
      err.println(file + ": " + e.getMessage());
      return 1;
    }
  }
}
