package dev.agentbroker.egress.support;

import dev.agentbroker.egress.EgressConfig;
import dev.agentbroker.egress.EgressConfig.GroupSettings;
import dev.agentbroker.egress.EgressConfig.Limits;
import dev.agentbroker.egress.EgressDecision;
import dev.agentbroker.egress.EgressProxy;
import dev.agentbroker.egress.Resolver;
import dev.agentbroker.egress.internal.Addresses;
import dev.agentbroker.egress.internal.CachingResolver;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A proxy on 127.0.0.1:0 with a map-based resolver and a test policy. Only {@code origin.test},
 * {@code plain.test} and {@code rebind.test} are named internal, and the group's {@code allow_ips}
 * lists 127.0.0.0/29, so they may resolve to those loopback addresses (internal alone would allow
 * private ranges only); {@code private.test} (10.0.0.5) and {@code loop.test} (127.0.0.1) are in
 * the group but not internal and must be refused before any connect.
 */
public final class Harness implements AutoCloseable {
  public static final String POLICY =
      "version: 1\n"
          + "identities: []\n"
          + "egress:\n"
          + "  groups:\n"
          + "    test: [origin.test, plain.test, rebind.test, private.test, loop.test, mapped.test,"
          + " \"*.wild.test\"]\n"
          + "    other: [other.test]\n"
          + "  clients:\n"
          + "    - {cidr: 127.0.0.0/8, profile: autonomous, groups: [test]}\n"
          + "    - {cidr: 127.0.0.1/32, profile: ci, groups: [other], proxy_user: agent-7}\n";

  /** The secret of proxy user {@code agent-7}; the proxy's settings hold only its SHA-256. */
  public static final String PROXY_SECRET = "Zq8-correct-horse-battery-staple-4711";

  /**
   * {@code -Degress.test.transport=nio|epoll|auto} (default auto: epoll on Linux); the build runs
   * the end-to-end suites a second time with nio.
   */
  public static final String TRANSPORT = System.getProperty("egress.test.transport", "auto");

  public final Path dir;
  public final Path policyFile;
  public final EgressProxy proxy;
  public final LinkedBlockingQueue<EgressDecision> decisions = new LinkedBlockingQueue<>();
  public final Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();
  private final Map<String, Function<Integer, List<InetAddress>>> answers =
      new ConcurrentHashMap<>();

  public Harness(Path dir, List<Integer> ports, Limits limits) throws Exception {
    this(dir, ports, limits, false);
  }

  /** With {@code cacheDns}, the map resolver is wrapped like the system one in production. */
  public Harness(Path dir, List<Integer> ports, Limits limits, boolean cacheDns) throws Exception {
    this.dir = dir;
    this.policyFile = dir.resolve("policy.yaml");
    Files.writeString(policyFile, POLICY);
    answer("origin.test", "127.0.0.1");
    answer("plain.test", "127.0.0.1");
    answer("x.wild.test", "127.0.0.1");
    answer("private.test", "10.0.0.5");
    answer("loop.test", "127.0.0.1");
    answer("mapped.test", "::ffff:10.0.0.5");
    answer("other.test", "127.0.0.1");
    EgressConfig config =
        new EgressConfig(
            List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
            Optional.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
            Optional.of(policyFile),
            Duration.ofHours(1),
            Optional.of(dir.resolve("audit")),
            TRANSPORT,
            1000,
            2,
            false,
            limits,
            Map.of(
                "test",
                new GroupSettings(
                    new ArrayList<>(ports),
                    List.of("origin.test", "plain.test", "rebind.test"),
                    List.of(Addresses.parseCidr("127.0.0.0/29"))),
                "other",
                new GroupSettings(
                    new ArrayList<>(ports),
                    List.of("other.test"),
                    List.of(Addresses.parseCidr("127.0.0.1/32")))),
            Map.of("agent-7", List.of(sha256Hex(PROXY_SECRET))));
    Resolver resolver =
        host -> {
          int n = lookups.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
          Function<Integer, List<InetAddress>> f = answers.get(host);
          if (f == null) {
            throw new UnknownHostException(host);
          }
          return f.apply(n);
        };
    if (cacheDns) {
      resolver = new CachingResolver(resolver, Duration.ofSeconds(60));
    }
    proxy = EgressProxy.builder(config).resolver(resolver).listener(decisions::add).start();
  }

  public static String sha256Hex(String s) throws java.security.NoSuchAlgorithmException {
    return java.util.HexFormat.of()
        .formatHex(
            java.security.MessageDigest.getInstance("SHA-256")
                .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  public static Limits limits() {
    return Limits.DEFAULTS;
  }

  /** Every lookup of {@code host} answers these addresses, in this order. */
  public void answer(String host, String... literals) throws UnknownHostException {
    List<InetAddress> list = new ArrayList<>();
    for (String l : literals) {
      list.add(InetAddress.getByName(l));
    }
    List<InetAddress> a = List.copyOf(list);
    answers.put(host, n -> a);
  }

  /** The n-th lookup (1-based) of {@code host} gets {@code f.apply(n)}. */
  public void answer(String host, Function<Integer, InetAddress> f) {
    answers.put(host, n -> List.of(f.apply(n)));
  }

  public int proxyPort() {
    return proxy.listenAddresses().get(0).getPort();
  }

  /** Next decision of the given event kind, waiting at most 5 s. */
  public EgressDecision next(String event) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline) {
      EgressDecision d = decisions.poll(100, TimeUnit.MILLISECONDS);
      if (d != null && d.event().equals(event)) {
        return d;
      }
    }
    throw new AssertionError("no " + event + " decision within 5 s");
  }

  @Override
  public void close() {
    proxy.close();
  }
}
