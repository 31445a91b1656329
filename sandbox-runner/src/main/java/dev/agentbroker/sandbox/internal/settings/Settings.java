package dev.agentbroker.sandbox.internal.settings;

import dev.agentbroker.sandbox.AgentException;
import dev.agentbroker.sandbox.ExitCode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The launcher's settings: environment variables, each overridable by a flag. Everything is read
 * and checked at once; every problem is listed with the variable that causes it, and a command asks
 * only for what it needs ({@link #requireBroker()}), so {@code agent firewall render} works without
 * a broker. The names are documented in sandbox-runner/README.md; keep them exact.
 */
public final class Settings {
  public static final String BROKER_URL = "AGENT_BROKER_URL";
  public static final String CALLER_TOKEN_FILE = "AGENT_CALLER_TOKEN_FILE";
  public static final String CALLER_TOKEN_COMMAND = "AGENT_CALLER_TOKEN_COMMAND";
  public static final String EGRESS_PROXY = "AGENT_EGRESS_PROXY";
  public static final String RUNTIME = "AGENT_RUNTIME";
  public static final String GIT_HOST = "AGENT_GIT_HOST";
  public static final String CA_FILE = "AGENT_CA_FILE";
  public static final String IMAGE = "AGENT_IMAGE";
  public static final String ROOTFS = "AGENT_ROOTFS";
  public static final String SANDBOX_SUBNET = "AGENT_SANDBOX_SUBNET";
  public static final String PODMAN_ROOT = "AGENT_PODMAN_ROOT";
  public static final String PODMAN_RUNROOT = "AGENT_PODMAN_RUNROOT";
  public static final String DOCKER_NETWORK = "AGENT_DOCKER_NETWORK";
  public static final String GITHUB_API_URL = "AGENT_GITHUB_API_URL";
  public static final String INJECT_CONTROL_URL = "AGENT_INJECT_CONTROL_URL";
  public static final String INJECT_SECRET_FILE = "AGENT_INJECT_SECRET_FILE";
  public static final String INJECT_PROXY_USER = "AGENT_INJECT_PROXY_USER";
  public static final String INJECT_PROXY_SECRET_FILE = "AGENT_INJECT_PROXY_SECRET_FILE";
  public static final String DEFAULT_GITHUB_API_URL = "https://api.github.com";

  public static final String DEFAULT_GIT_HOST = "github.com";
  public static final String DEFAULT_IMAGE = "localhost/agent-sandbox:latest";
  public static final String DEFAULT_SUBNET = "10.200.0.0/16";

  /** {@code AGENT_ROOTFS} value meaning "the host's /usr, /bin, /lib… read-only" (bwrap). */
  public static final String HOST_ROOTFS = "host";

  private final Map<String, String> values;
  private final List<String> problems = new ArrayList<>();
  private Optional<URI> brokerUrl = Optional.empty();
  private Optional<CallerSource> caller = Optional.empty();
  private Optional<HostPort> egressProxy = Optional.empty();
  private Optional<Path> caFile = Optional.empty();
  private SubnetPool subnet;
  private Optional<URI> injectControlUrl = Optional.empty();

  private Settings(Map<String, String> values) {
    this.values = values;
  }

  /** Environment first, then flag overrides (same keys); blank values count as unset. */
  public static Settings load(Map<String, String> env, Map<String, String> overrides) {
    Map<String, String> merged = new LinkedHashMap<>();
    env.forEach(
        (k, v) -> {
          if (k.startsWith("AGENT_") && v != null && !v.isBlank()) merged.put(k, v.trim());
        });
    overrides.forEach(
        (k, v) -> {
          if (v != null && !v.isBlank()) merged.put(k, v.trim());
        });
    Settings s = new Settings(merged);
    s.check();
    return s;
  }

  private void check() {
    String url = values.get(BROKER_URL);
    if (url != null) {
      try {
        URI u = URI.create(url);
        if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme()))
            || u.getHost() == null) {
          problems.add(BROKER_URL + ": '" + RepoRef.printable(url) + "' is not an http(s) URL");
        } else if (u.getRawUserInfo() != null) {
          problems.add(BROKER_URL + ": must not carry credentials in the URL");
        } else {
          brokerUrl =
              Optional.of(URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url));
        }
      } catch (IllegalArgumentException e) {
        problems.add(BROKER_URL + ": '" + RepoRef.printable(url) + "' is not a URL");
      }
    }
    String file = values.get(CALLER_TOKEN_FILE);
    String command = values.get(CALLER_TOKEN_COMMAND);
    if (file != null && command != null) {
      problems.add(CALLER_TOKEN_FILE + " and " + CALLER_TOKEN_COMMAND + " are both set: set one");
    } else if (file != null) {
      caller = Optional.of(new CallerSource.File(Path.of(file).toAbsolutePath()));
    } else if (command != null) {
      caller = Optional.of(new CallerSource.Command(command));
    }
    String proxy = values.get(EGRESS_PROXY);
    if (proxy != null) {
      try {
        egressProxy = Optional.of(HostPort.parse(proxy));
      } catch (IllegalArgumentException e) {
        problems.add(EGRESS_PROXY + ": " + e.getMessage());
      }
    }
    String ca = values.get(CA_FILE);
    if (ca != null) {
      Path p = Path.of(ca).toAbsolutePath();
      if (!Files.isReadable(p)) {
        problems.add(CA_FILE + ": " + p + " is not a readable file");
      } else {
        caFile = Optional.of(p);
      }
    }
    String rootfs = rootfs();
    if (!HOST_ROOTFS.equals(rootfs)) {
      rootfsProblem(Path.of(rootfs)).ifPresent(p -> problems.add(ROOTFS + ": " + p));
    }
    try {
      subnet = SubnetPool.parse(values.getOrDefault(SANDBOX_SUBNET, DEFAULT_SUBNET));
    } catch (IllegalArgumentException e) {
      problems.add(SANDBOX_SUBNET + ": " + e.getMessage());
      subnet = SubnetPool.parse(DEFAULT_SUBNET);
    }
    if (values.containsKey(PODMAN_ROOT) != values.containsKey(PODMAN_RUNROOT)) {
      problems.add(PODMAN_ROOT + " and " + PODMAN_RUNROOT + " go together: set both or neither");
    }
    String api = values.getOrDefault(GITHUB_API_URL, DEFAULT_GITHUB_API_URL);
    try {
      URI u = URI.create(api);
      if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
        problems.add(GITHUB_API_URL + ": '" + RepoRef.printable(api) + "' is not an http(s) URL");
      }
    } catch (IllegalArgumentException e) {
      problems.add(GITHUB_API_URL + ": '" + RepoRef.printable(api) + "' is not a URL");
    }
    String control = values.get(INJECT_CONTROL_URL);
    if (control != null) {
      try {
        URI u = URI.create(control);
        if (!"http".equals(u.getScheme()) || u.getHost() == null || u.getRawUserInfo() != null) {
          problems.add(
              INJECT_CONTROL_URL
                  + ": '"
                  + RepoRef.printable(control)
                  + "' is not an http URL without credentials (the proxy's loopback registration API)");
        } else {
          injectControlUrl =
              Optional.of(
                  URI.create(
                      control.endsWith("/")
                          ? control.substring(0, control.length() - 1)
                          : control));
        }
      } catch (IllegalArgumentException e) {
        problems.add(INJECT_CONTROL_URL + ": '" + RepoRef.printable(control) + "' is not a URL");
      }
    }
    String proxyUser = values.get(INJECT_PROXY_USER);
    if (proxyUser != null && !proxyUser.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
      problems.add(INJECT_PROXY_USER + ": '" + RepoRef.printable(proxyUser) + "' is not a name");
    }
    String gitHost = gitHost();
    if (!gitHost.matches("[A-Za-z0-9.-]+(:[0-9]{1,5})?")) {
      problems.add(GIT_HOST + ": '" + RepoRef.printable(gitHost) + "' is not HOST or HOST:PORT");
    }
  }

  /**
   * bwrap binds the rootfs's entries with root's privileges: a directory that another user can
   * change could swap an entry for a link to anywhere between the launcher's listing and the bind.
   */
  static Optional<String> rootfsProblem(Path dir) {
    if (!Files.isDirectory(dir)) {
      return Optional.of(dir + " is not a directory (or 'host')");
    }
    try {
      Object uid = Files.getAttribute(dir, "unix:uid");
      java.util.Set<java.nio.file.attribute.PosixFilePermission> perms =
          Files.getPosixFilePermissions(dir);
      if (!Integer.valueOf(0).equals(uid)
          || perms.contains(java.nio.file.attribute.PosixFilePermission.GROUP_WRITE)
          || perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE)) {
        return Optional.of(dir + " must be owned by root and not writable by group or others");
      }
    } catch (java.io.IOException | UnsupportedOperationException e) {
      return Optional.of(dir + " cannot be checked: " + e.getMessage());
    }
    return Optional.empty();
  }

  /** Throws (exit 65) listing every problem plus the broker settings that are missing. */
  public void requireBroker() {
    List<String> all = new ArrayList<>(problems);
    if (!values.containsKey(BROKER_URL)) {
      all.add(BROKER_URL + " is not set (the broker's base URL, e.g. http://127.0.0.1:8080)");
    }
    if (!values.containsKey(CALLER_TOKEN_FILE) && !values.containsKey(CALLER_TOKEN_COMMAND)) {
      all.add(
          "no caller credential: set "
              + CALLER_TOKEN_FILE
              + " (a JWT file) or "
              + CALLER_TOKEN_COMMAND
              + " (a command printing one)");
    }
    throwIf(all);
  }

  /**
   * {@code agent run --inject}: throws (exit 65) listing every problem plus the injection settings
   * that are missing (the registration API, its secret, the proxy user and its secret, the proxy).
   */
  public void requireInject() {
    List<String> all = new ArrayList<>();
    for (String k :
        List.of(
            EGRESS_PROXY,
            INJECT_CONTROL_URL,
            INJECT_SECRET_FILE,
            INJECT_PROXY_USER,
            INJECT_PROXY_SECRET_FILE)) {
      if (!values.containsKey(k)) {
        all.add(k + " is not set (needed by --inject)");
      }
    }
    throwIf(all);
  }

  /** Throws (exit 65) listing every problem with the settings that are present. */
  public void requireValid() {
    throwIf(problems);
  }

  private static void throwIf(List<String> all) {
    if (!all.isEmpty()) {
      throw new AgentException(
          ExitCode.SETTINGS,
          (all.size() == 1 ? "" : all.size() + " problems: ") + String.join("; ", all));
    }
  }

  public List<String> problems() {
    return List.copyOf(problems);
  }

  public URI brokerUrl() {
    return brokerUrl.orElseThrow();
  }

  public CallerSource caller() {
    return caller.orElseThrow();
  }

  public Optional<HostPort> egressProxy() {
    return egressProxy;
  }

  /** The egress proxy's registration API ({@code --inject}); checked by {@link #requireInject}. */
  public URI injectControlUrl() {
    return injectControlUrl.orElseThrow();
  }

  public Path injectSecretFile() {
    return Path.of(values.get(INJECT_SECRET_FILE)).toAbsolutePath();
  }

  public String injectProxyUser() {
    return values.get(INJECT_PROXY_USER);
  }

  public Path injectProxySecretFile() {
    return Path.of(values.get(INJECT_PROXY_SECRET_FILE)).toAbsolutePath();
  }

  public Optional<String> runtime() {
    return Optional.ofNullable(values.get(RUNTIME));
  }

  public String gitHost() {
    return values.getOrDefault(GIT_HOST, DEFAULT_GIT_HOST);
  }

  public Optional<Path> caFile() {
    return caFile;
  }

  public String image() {
    return values.getOrDefault(IMAGE, DEFAULT_IMAGE);
  }

  public String rootfs() {
    return values.getOrDefault(ROOTFS, HOST_ROOTFS);
  }

  public SubnetPool subnet() {
    return subnet;
  }

  public Optional<String> podmanRoot() {
    return Optional.ofNullable(values.get(PODMAN_ROOT));
  }

  public Optional<String> podmanRunroot() {
    return Optional.ofNullable(values.get(PODMAN_RUNROOT));
  }

  public Optional<String> dockerNetwork() {
    return Optional.ofNullable(values.get(DOCKER_NETWORK));
  }

  /** GitHub's REST base URL ({@code https://HOST/api/v3} for GitHub Enterprise Server). */
  public URI githubApiUrl() {
    String api = values.getOrDefault(GITHUB_API_URL, DEFAULT_GITHUB_API_URL);
    return URI.create(api.endsWith("/") ? api.substring(0, api.length() - 1) : api);
  }

  /** The raw value of a setting, for {@code agent doctor}. */
  public Optional<String> raw(String key) {
    return Optional.ofNullable(values.get(key));
  }
}
