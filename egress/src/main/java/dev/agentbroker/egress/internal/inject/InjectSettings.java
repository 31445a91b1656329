package dev.agentbroker.egress.internal.inject;

import dev.agentbroker.policy.EgressPolicy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * The {@code inject:} section of the proxy settings file. Absent (or {@code mode: off}) means no
 * interception at all: every CONNECT stays an opaque tunnel.
 *
 * @param users proxy users (the policy's {@code proxy_user} of a client entry) whose connections to
 *     {@code hosts} are intercepted; a sandbox is one such user
 * @param hosts exact names or {@code *.suffix} patterns that are intercepted
 * @param controlListen loopback address of the run-registration API
 * @param controlSecretFile file holding the bearer secret of the registration API
 * @param brokerUrl base URL of the broker ({@code POST /token}, {@code DELETE /token/{lease}})
 * @param brokerJwtFile the proxy's own caller JWT, re-read for every broker call (rotation)
 * @param brokerCaFile PEM CA for an https broker, empty for the JVM's trust store
 * @param upstreamCaFile PEM CA trusted for the real upstream, empty for the JVM's trust store
 * @param caCertFile where the CA certificate (never its key) is written at start, if set
 * @param leafValidity validity of the per-host leaf certificates
 * @param maxRuns registered runs at most
 */
public record InjectSettings(
    List<String> users,
    List<String> hosts,
    InetSocketAddress controlListen,
    Path controlSecretFile,
    URI brokerUrl,
    Path brokerJwtFile,
    Optional<Path> brokerCaFile,
    Optional<Path> upstreamCaFile,
    Optional<Path> caCertFile,
    Duration leafValidity,
    int maxRuns) {

  public static final List<String> DEFAULT_HOSTS =
      List.of("github.com", "api.github.com", "codeload.github.com", "*.githubusercontent.com");

  static final Set<String> KEYS =
      Set.of(
          "mode",
          "users",
          "hosts",
          "control_listen",
          "control_secret_file",
          "broker_url",
          "broker_jwt_file",
          "broker_ca_file",
          "upstream_ca_file",
          "ca_cert_file",
          "leaf_validity",
          "max_runs");

  private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(m|h)");
  private static final Pattern HOST =
      Pattern.compile("(\\*\\.)?[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?");

  public InjectSettings {
    users = List.copyOf(users);
    hosts = List.copyOf(hosts);
  }

  /**
   * Cross-check with the policy: an injected user that no client entry names could never be
   * intercepted (connections carry the user only where the policy accepts it).
   */
  public List<String> problems(EgressPolicy policy) {
    List<String> out = new ArrayList<>();
    for (String u : users) {
      if (!policy.proxyUsers().contains(u)) {
        out.add("inject.users: '" + u + "' is not a proxy_user of the policy's egress.clients");
      }
    }
    return out;
  }

  /** True when {@code host} (normalised, lower case) is one of the intercepted names. */
  public boolean intercepts(String host) {
    for (String h : hosts) {
      if (h.startsWith("*.") ? host.endsWith(h.substring(1)) : host.equals(h)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Reads the {@code inject:} section of a settings file; empty when absent or {@code mode: off}.
   *
   * @throws IllegalArgumentException listing every problem, one per line
   */
  public static Optional<InjectSettings> parse(String yaml, String source, Path baseDir) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(0);
    Object root = new Yaml(new SafeConstructor(options)).load(yaml);
    if (!(root instanceof Map<?, ?> top) || top.get("inject") == null) {
      return Optional.empty();
    }
    List<String> problems = new ArrayList<>();
    if (!(top.get("inject") instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException(source + ": inject: must be a mapping");
    }
    for (Object k : m.keySet()) {
      if (!KEYS.contains(String.valueOf(k))) {
        problems.add("inject." + k + ": unknown key (allowed: " + String.join(", ", KEYS) + ")");
      }
    }
    Object mode = m.get("mode");
    // YAML 1.1 reads a bare off as false.
    if ("off".equals(mode) || Boolean.FALSE.equals(mode)) {
      return Optional.empty();
    }
    if (!"github".equals(mode)) {
      problems.add("inject.mode: must be github or off");
    }
    List<String> users = strings(m.get("users"), "inject.users", problems);
    if (users.isEmpty()) {
      problems.add("inject.users: name at least one proxy user whose GitHub traffic is injected");
    }
    List<String> hosts =
        m.get("hosts") == null ? DEFAULT_HOSTS : strings(m.get("hosts"), "inject.hosts", problems);
    List<String> normalHosts = new ArrayList<>();
    for (String h : hosts) {
      String n = h.toLowerCase(Locale.ROOT);
      if (!HOST.matcher(n).matches()) {
        problems.add("inject.hosts: '" + h + "' is not a host name or *.suffix pattern");
      }
      normalHosts.add(n);
    }
    InetSocketAddress control = null;
    Object cl = m.get("control_listen");
    if (cl == null) {
      problems.add("inject.control_listen: required (a loopback IP:PORT)");
    } else {
      control = loopback(String.valueOf(cl), problems);
    }
    Path secret = requiredPath(m, "control_secret_file", baseDir, problems);
    Path jwt = requiredPath(m, "broker_jwt_file", baseDir, problems);
    URI broker = null;
    Object bu = m.get("broker_url");
    if (bu == null) {
      problems.add("inject.broker_url: required");
    } else {
      try {
        broker = URI.create(String.valueOf(bu));
        if (!Set.of("http", "https").contains(broker.getScheme()) || broker.getHost() == null) {
          problems.add("inject.broker_url: must be an http(s) URL");
        }
      } catch (IllegalArgumentException e) {
        problems.add("inject.broker_url: not a URL");
      }
    }
    Duration leaf = Duration.ofHours(24);
    Object lv = m.get("leaf_validity");
    if (lv != null) {
      Matcher d = DURATION.matcher(String.valueOf(lv));
      if (!d.matches()) {
        problems.add("inject.leaf_validity: a duration in m or h, e.g. 24h");
      } else {
        long n = Long.parseLong(d.group(1));
        leaf = d.group(2).equals("h") ? Duration.ofHours(n) : Duration.ofMinutes(n);
        if (leaf.compareTo(Duration.ofMinutes(10)) < 0 || leaf.compareTo(Duration.ofDays(7)) > 0) {
          problems.add("inject.leaf_validity: between 10m and 168h");
        }
      }
    }
    int maxRuns = 1024;
    Object mr = m.get("max_runs");
    if (mr != null) {
      if (!(mr instanceof Integer i) || i < 1 || i > 100_000) {
        problems.add("inject.max_runs: an integer 1..100000");
      } else {
        maxRuns = i;
      }
    }
    Optional<Path> brokerCa = optionalPath(m, "broker_ca_file", baseDir);
    Optional<Path> upstreamCa = optionalPath(m, "upstream_ca_file", baseDir);
    Optional<Path> caCert = optionalPath(m, "ca_cert_file", baseDir);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          source + ": " + String.join("\n" + source + ": ", problems));
    }
    return Optional.of(
        new InjectSettings(
            users,
            normalHosts,
            control,
            secret,
            broker,
            jwt,
            brokerCa,
            upstreamCa,
            caCert,
            leaf,
            maxRuns));
  }

  private static InetSocketAddress loopback(String text, List<String> problems) {
    int colon = text.lastIndexOf(':');
    try {
      String host = text.substring(0, colon).replace("[", "").replace("]", "");
      InetAddress a = InetAddress.getByName(host);
      if (!Character.isDigit(host.charAt(0)) && !host.contains(":") || !a.isLoopbackAddress()) {
        problems.add("inject.control_listen: must be a loopback IP literal with a port");
        return null;
      }
      return new InetSocketAddress(a, Integer.parseInt(text.substring(colon + 1)));
    } catch (Exception e) {
      problems.add("inject.control_listen: must be a loopback IP literal with a port");
      return null;
    }
  }

  private static Path requiredPath(Map<?, ?> m, String key, Path baseDir, List<String> problems) {
    Optional<Path> p = optionalPath(m, key, baseDir);
    if (p.isEmpty()) {
      problems.add("inject." + key + ": required");
    }
    return p.orElse(null);
  }

  private static Optional<Path> optionalPath(Map<?, ?> m, String key, Path baseDir) {
    Object v = m.get(key);
    return v == null ? Optional.empty() : Optional.of(baseDir.resolve(String.valueOf(v)));
  }

  private static List<String> strings(Object raw, String path, List<String> problems) {
    if (raw == null) {
      return List.of();
    }
    if (!(raw instanceof List<?> l)) {
      problems.add(path + ": must be a list");
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (Object o : l) {
      if (!(o instanceof String s) || s.isBlank()) {
        problems.add(path + ": entries must be non-empty strings");
      } else {
        out.add(s);
      }
    }
    return out;
  }
}
