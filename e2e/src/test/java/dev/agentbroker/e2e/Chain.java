package dev.agentbroker.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.sandbox.internal.host.Host;
import dev.agentbroker.testkit.demo.DemoStack;
import dev.agentbroker.testkit.oidc.ActionsOidcIssuer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One running chain for every end-to-end test in this JVM: the GitHub simulator, the HTTPS git
 * host, the real broker fast-jar and the real egress proxy as child processes ({@link DemoStack},
 * the same assembly as {@code ./run-demo}). Started on first use, stopped at JVM exit.
 */
final class Chain {
  static final Path ROOT =
      Path.of(System.getProperty("e2e.root", "..")).toAbsolutePath().normalize();
  private static DemoStack stack;
  private static ActionsOidcIssuer actions;

  /** The Actions issuer's clock: real time, unless a test signs a token in the past. */
  static final OffsetClock ACTIONS_CLOCK = new OffsetClock();

  /**
   * GitHub's ids of the simulator's acme organisation and svc-a as the Actions issuer states them.
   */
  static final long ACME_ID = 90001;

  static final long SVC_A_ID = 700001;

  static final String REUSABLE_WORKFLOW =
      "acme/agent-workflows/.github/workflows/agent-run.yml@refs/heads/main";

  /**
   * Two identities of the local Actions issuer: the recommended one (ids and the pinned reusable
   * workflow) and one matched by name only (the risk `policy lint` warns about).
   */
  static final String ACTIONS_IDENTITIES =
      """
        - id: actions-agent-run
          issuer: %1$s
          claims:
            repository_owner_id: "%2$d"
            repository_id: "%3$d"
            job_workflow_ref: 'acme/agent-workflows/\\.github/workflows/agent-run\\.yml@refs/heads/main'
          profile: ci
          grants:
            - owner: acme
              repositories: [svc-a]
              permissions: {contents: write, pull_requests: write}
        - id: actions-by-name
          issuer: %1$s
          subject: "repo:acme/svc-b:ref:refs/heads/main"
          profile: ci
          grants:
            - owner: acme
              repositories: [svc-b]
              permissions: {contents: read}
      """;

  private Chain() {}

  static synchronized DemoStack get() throws Exception {
    if (stack == null) {
      assertTrue(
          Host.isRoot(),
          "the end-to-end tests start sandboxes in network namespaces: run ./run-tests as root");
      for (String p : List.of("bwrap", "nft", "ip", "git", "curl", "setpriv", "nsenter")) {
        assertTrue(
            Host.which(p).isPresent(),
            p + " is not installed: ./run-tests installs what the tests need");
      }
      Path jar = ROOT.resolve("broker/target/quarkus-app/quarkus-run.jar");
      assertTrue(Files.isRegularFile(jar), "broker fast-jar missing (build order?): " + jar);
      Path work = Files.createTempDirectory("agent-e2e-");
      actions = ActionsOidcIssuer.start(ACTIONS_CLOCK);
      // The local Actions issuer through the github-actions preset, its issuer and JWKS overridden
      // as for GitHub Enterprise Server. The broker refuses http: JWKS URLs and the local issuer
      // serves plain http, so its JWKS is handed over as a file.
      Map<String, String> env =
          Map.of(
              "BROKER_JWT_ISSUERS_ACTIONS_PRESET",
              "github-actions",
              "BROKER_JWT_ISSUERS_ACTIONS_ISSUER",
              actions.issuer(),
              "BROKER_JWT_ISSUERS_ACTIONS_PUBLIC_KEY_LOCATION",
              actions.writeJwks(work.resolve("actions-jwks.json")).toString(),
              "BROKER_JWT_ISSUERS_ACTIONS_AUDIENCES",
              "agent-broker");
      stack =
          DemoStack.start(
              new DemoStack.Options(
                  jar,
                  work,
                  DemoStackPorts.free(),
                  Optional.of(egressClasspath()),
                  env,
                  true,
                  ACTIONS_IDENTITIES.formatted(actions.issuer(), ACME_ID, SVC_A_ID)));
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    stack.close();
                    actions.close();
                  }));
    }
    return stack;
  }

  /** The local GitHub Actions OIDC issuer the broker trusts (after {@link #get()}). */
  static ActionsOidcIssuer actions() throws Exception {
    get();
    return actions;
  }

  static String egressClasspath() throws IOException {
    return ROOT.resolve("egress/target/classes")
        + ":"
        + Files.readString(ROOT.resolve("egress/target/runtime.classpath")).trim();
  }

  static String agentClasspath() throws IOException {
    return ROOT.resolve("sandbox-runner/target/classes")
        + ":"
        + Files.readString(ROOT.resolve("sandbox-runner/target/runtime.classpath")).trim();
  }

  /** The agent's settings against the chain (what {@code .demo/agent.env} says). */
  static Map<String, String> agentEnv() throws Exception {
    DemoStack s = get();
    Map<String, String> env = new LinkedHashMap<>();
    env.put(
        "PATH",
        System.getenv()
            .getOrDefault("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
    env.put("AGENT_BROKER_URL", s.brokerUrl().toString());
    env.put("AGENT_CALLER_TOKEN_FILE", s.work().resolve("caller.jwt").toString());
    env.put("AGENT_EGRESS_PROXY", s.egressProxy().orElseThrow());
    env.put("AGENT_GIT_HOST", "localhost:" + s.git().port());
    env.put("AGENT_CA_FILE", s.work().resolve("git-ca.pem").toString());
    env.put("AGENT_RUNTIME", "bwrap");
    return env;
  }

  /** Names of the launcher's network namespaces that exist now. */
  static List<String> sandboxNamespaces() throws IOException {
    Path dir = Path.of("/run/netns");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.matches("agent-s[0-9]+"))
          .sorted()
          .toList();
    }
  }
}
