package dev.agentbroker.egress.internal;

import dev.agentbroker.egress.EgressConfig;
import dev.agentbroker.egress.EgressConfig.GroupSettings;
import dev.agentbroker.egress.EgressConfig.Limits;
import dev.agentbroker.policy.Cidr;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Strict reader of the proxy settings file. Unknown keys are errors (a typo must not silently drop
 * a limit) and every problem is reported at once, like the policy loader does.
 */
public final class SettingsParser {
  private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h)");
  private static final Pattern LABEL = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
  private static final Set<String> TOP =
      Set.of(
          "listen",
          "metrics_listen",
          "policy_file",
          "reload_interval",
          "audit_dir",
          "transport",
          "audit_queue",
          "event_loops",
          "allow_wildcard_listen",
          "limits",
          "groups",
          "proxy_users",
          // Read by InjectSettings (the inject: github mode).
          "inject");
  private static final Set<String> LIMITS =
      Set.of(
          "max_request_line_bytes",
          "max_header_bytes",
          "max_headers",
          "handshake_timeout",
          "connect_timeout",
          "resolve_timeout",
          "idle_timeout",
          "max_tunnel_lifetime",
          "max_tunnels_per_client",
          "max_tunnels_total");
  private static final Set<String> GROUP = Set.of("ports", "internal_hosts", "allow_ips");
  private static final Pattern USER = Pattern.compile("[a-z0-9][a-z0-9._-]*");
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  private final String source;
  private final Path baseDir;
  private final List<String> problems = new ArrayList<>();

  private SettingsParser(String source, Path baseDir) {
    this.source = source;
    this.baseDir = baseDir;
  }

  /**
   * Parses settings; relative paths are resolved against {@code baseDir}.
   *
   * @throws IllegalArgumentException listing every problem, one per line
   */
  public static EgressConfig parse(String yaml, String source, Path baseDir) {
    return new SettingsParser(source, baseDir).run(yaml);
  }

  private EgressConfig run(String yaml) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(0);
    Object root;
    try {
      root = new Yaml(new SafeConstructor(options)).load(yaml);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(source + ": not valid YAML: " + e.getMessage(), e);
    }
    Map<String, Object> top = root == null ? Map.of() : map(root, "");
    unknown(top, TOP, "");
    List<InetSocketAddress> listen = new ArrayList<>();
    for (Object o : list(top.getOrDefault("listen", List.of("127.0.0.1:3128")), "listen")) {
      address(o, "listen").ifPresent(listen::add);
    }
    if (listen.isEmpty()) {
      problem("listen", "at least one listen address is required");
    }
    Optional<InetSocketAddress> metrics =
        top.get("metrics_listen") == null
            ? Optional.empty()
            : address(top.get("metrics_listen"), "metrics_listen");
    boolean wildcard = bool(top.get("allow_wildcard_listen"), "allow_wildcard_listen");
    if (!wildcard) {
      for (InetSocketAddress a : listen) {
        if (a.getAddress().isAnyLocalAddress()) {
          problem("listen", "wildcard address " + a + " needs allow_wildcard_listen: true");
        }
      }
    }
    metrics
        .filter(m -> m.getAddress().isAnyLocalAddress())
        .ifPresent(m -> problem("metrics_listen", "must not be a wildcard address"));
    Optional<Path> policy = path(top.get("policy_file"), "policy_file");
    Optional<Path> audit = path(top.get("audit_dir"), "audit_dir");
    Duration reload = duration(top.get("reload_interval"), "reload_interval", "5s");
    String transport = transport(top.get("transport"));
    int auditQueue = integer(top.get("audit_queue"), "audit_queue", 10_000, 1, 1_000_000);
    int loops =
        integer(
            top.get("event_loops"),
            "event_loops",
            Runtime.getRuntime().availableProcessors(),
            1,
            256);
    Limits limits = limits(top.get("limits"));
    Map<String, GroupSettings> groups = new LinkedHashMap<>();
    if (top.get("groups") != null) {
      map(top.get("groups"), "groups").forEach((k, v) -> groups.put(k, group(v, "groups." + k)));
    }
    Map<String, List<String>> users = new LinkedHashMap<>();
    if (top.get("proxy_users") != null) {
      map(top.get("proxy_users"), "proxy_users")
          .forEach((k, v) -> proxyUser(k, v).ifPresent(h -> users.put(k, h)));
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", problems));
    }
    return new EgressConfig(
        listen,
        metrics,
        policy,
        reload,
        audit,
        transport,
        auditQueue,
        loops,
        wildcard,
        limits,
        groups,
        users);
  }

  /**
   * {@code name: {password_sha256: "<64 lower-case hex>"}}, or a list of two such hashes while a
   * secret is rotated. The secret itself is never here.
   */
  private Optional<List<String>> proxyUser(String name, Object raw) {
    String path = "proxy_users." + name;
    if (!USER.matcher(name).matches()) {
      problem(path, "user names are lower-case letters, digits, '.', '_' and '-'");
    }
    Map<String, Object> m = raw == null ? Map.of() : map(raw, path);
    unknown(m, Set.of("password_sha256"), path + ".");
    Object value = m.get("password_sha256");
    List<?> hashes =
        value instanceof List ? (List<?>) value : value == null ? List.of() : List.of(value);
    String key = path + ".password_sha256";
    if (hashes.isEmpty() || hashes.size() > 2) {
      problem(key, "one SHA-256 (or two while rotating) of the user's secret is required");
      return Optional.empty();
    }
    List<String> out = new ArrayList<>();
    for (Object hash : hashes) {
      if (!(hash instanceof String)) {
        // An all-digit hash reads as a YAML number and would lose its leading zeros.
        problem(key, "must be a quoted string");
      } else if (!SHA256_HEX.matcher((String) hash).matches()) {
        problem(
            key,
            "must be the SHA-256 of the user's secret as 64 lower-case hex digits"
                + " (e.g. printf %s \"$SECRET\" | sha256sum)");
      } else {
        out.add((String) hash);
      }
    }
    return out.size() == hashes.size() ? Optional.of(out) : Optional.empty();
  }

  private String transport(Object raw) {
    if (raw == null) {
      return Transport.AUTO;
    }
    String v = String.valueOf(raw);
    if (!Set.of(Transport.AUTO, Transport.EPOLL, Transport.NIO).contains(v)) {
      problem("transport", "must be auto, epoll or nio, not '" + v + "'");
      return Transport.AUTO;
    }
    return v;
  }

  private Limits limits(Object raw) {
    Map<String, Object> m = raw == null ? Map.of() : map(raw, "limits");
    unknown(m, LIMITS, "limits.");
    Limits d = Limits.DEFAULTS;
    return new Limits(
        integer(
            m.get("max_request_line_bytes"),
            "limits.max_request_line_bytes",
            d.maxRequestLineBytes(),
            64,
            65536),
        integer(
            m.get("max_header_bytes"), "limits.max_header_bytes", d.maxHeaderBytes(), 256, 1 << 20),
        integer(m.get("max_headers"), "limits.max_headers", d.maxHeaders(), 1, 1000),
        duration(m.get("handshake_timeout"), "limits.handshake_timeout", "10s"),
        duration(m.get("connect_timeout"), "limits.connect_timeout", "10s"),
        duration(m.get("resolve_timeout"), "limits.resolve_timeout", "5s"),
        duration(m.get("idle_timeout"), "limits.idle_timeout", "5m"),
        duration(m.get("max_tunnel_lifetime"), "limits.max_tunnel_lifetime", "1h"),
        integer(
            m.get("max_tunnels_per_client"),
            "limits.max_tunnels_per_client",
            d.maxTunnelsPerClient(),
            1,
            1_000_000),
        integer(
            m.get("max_tunnels_total"),
            "limits.max_tunnels_total",
            d.maxTunnelsTotal(),
            1,
            10_000_000));
  }

  private GroupSettings group(Object raw, String path) {
    Map<String, Object> m = raw == null ? Map.of() : map(raw, path);
    unknown(m, GROUP, path + ".");
    List<Integer> ports = new ArrayList<>();
    for (Object p : list(m.getOrDefault("ports", List.of(443)), path + ".ports")) {
      ports.add(integer(p, path + ".ports", 443, 1, 65535));
    }
    List<String> internal = new ArrayList<>();
    for (Object h : list(m.getOrDefault("internal_hosts", List.of()), path + ".internal_hosts")) {
      String name = String.valueOf(h);
      if (!validName(name)) {
        problem(path + ".internal_hosts", "'" + name + "' is not a lower-case DNS name");
      } else {
        internal.add(name);
      }
    }
    List<Cidr> ips = new ArrayList<>();
    for (Object c : list(m.getOrDefault("allow_ips", List.of()), path + ".allow_ips")) {
      try {
        ips.add(Addresses.parseCidr(String.valueOf(c)));
      } catch (IllegalArgumentException e) {
        problem(path + ".allow_ips", e.getMessage());
      }
    }
    return new GroupSettings(ports, internal, ips);
  }

  private static boolean validName(String name) {
    if (name.isEmpty() || name.length() > 253) {
      return false;
    }
    for (String label : name.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        return false;
      }
    }
    return true;
  }

  private Optional<InetSocketAddress> address(Object raw, String path) {
    String text = String.valueOf(raw);
    int colon = text.lastIndexOf(':');
    if (colon <= 0) {
      problem(path, "'" + text + "' must be ADDRESS:PORT with an IP literal");
      return Optional.empty();
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    Optional<InetAddress> addr = Addresses.parseLiteral(host);
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (addr.isEmpty() || port < 0 || port > 65535) {
      problem(path, "'" + text + "' must be ADDRESS:PORT with an IP literal (no host names)");
      return Optional.empty();
    }
    return Optional.of(new InetSocketAddress(addr.get(), port));
  }

  private Optional<Path> path(Object raw, String path) {
    if (raw == null) {
      return Optional.empty();
    }
    String text = String.valueOf(raw);
    if (text.isBlank()) {
      problem(path, "must not be blank");
      return Optional.empty();
    }
    return Optional.of(baseDir.resolve(text).normalize());
  }

  private Duration duration(Object raw, String path, String dflt) {
    String text = raw == null ? dflt : String.valueOf(raw).toLowerCase(Locale.ROOT);
    Matcher m = DURATION.matcher(text);
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      problem(path, "'" + text + "' is not a positive duration like 500ms, 10s, 5m or 1h");
      return Duration.ofSeconds(1);
    }
    long n = Long.parseLong(m.group(1));
    switch (m.group(2)) {
      case "ms":
        return Duration.ofMillis(n);
      case "s":
        return Duration.ofSeconds(n);
      case "m":
        return Duration.ofMinutes(n);
      default:
        return Duration.ofHours(n);
    }
  }

  private int integer(Object raw, String path, int dflt, int min, int max) {
    if (raw == null) {
      return dflt;
    }
    if (!(raw instanceof Integer) || (Integer) raw < min || (Integer) raw > max) {
      problem(path, "'" + raw + "' must be an integer in " + min + ".." + max);
      return dflt;
    }
    return (Integer) raw;
  }

  private boolean bool(Object raw, String path) {
    if (raw == null) {
      return false;
    }
    if (!(raw instanceof Boolean)) {
      problem(path, "must be true or false");
      return false;
    }
    return (Boolean) raw;
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> map(Object raw, String path) {
    if (!(raw instanceof Map)) {
      problem(path.isEmpty() ? "(top level)" : path, "expected a mapping");
      return Map.of();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    ((Map<Object, Object>) raw).forEach((k, v) -> out.put(String.valueOf(k), v));
    return out;
  }

  private List<?> list(Object raw, String path) {
    if (raw instanceof List) {
      return (List<?>) raw;
    }
    problem(path, "expected a list");
    return List.of();
  }

  private void unknown(Map<String, Object> m, Set<String> allowed, String prefix) {
    for (String k : m.keySet()) {
      if (!allowed.contains(k)) {
        problem(prefix + k, "unknown key (allowed: " + String.join(", ", allowed) + ")");
      }
    }
  }

  private void problem(String path, String message) {
    problems.add(source + " " + path + ": " + message);
  }
}
