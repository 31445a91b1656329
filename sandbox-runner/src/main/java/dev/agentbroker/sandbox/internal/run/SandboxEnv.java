package dev.agentbroker.sandbox.internal.run;

import dev.agentbroker.sandbox.internal.runtime.SandboxSpec;
import dev.agentbroker.sandbox.internal.settings.RepoRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sandbox's environment. Values are handed to the runtime process's own environment; its
 * command line carries only the names. Git is configured here (not in an image layer or a file):
 * the run's credential helper for {@code https://<git host>}, with the path sent so the endpoint
 * can refuse other repositories, after resetting any helper an image configured.
 */
final class SandboxEnv {
  static final String PATH =
      "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:" + SandboxSpec.HELPER_MOUNT;

  /** The one secret an environment may carry (Apple's VM runtime only), never on a command line. */
  static final String TOKEN_VAR = "GH_TOKEN";

  private final Map<String, String> values = new LinkedHashMap<>();

  SandboxEnv(String runId, RepoRef repo, String gitHost, boolean caBundle, boolean interactive) {
    this(runId, repo, gitHost, caBundle, interactive, false);
  }

  /**
   * {@code injected}: the egress proxy adds the GitHub credential ({@code agent run --inject}), so
   * git gets no helper at all (any image helper is still reset) and no credential endpoint.
   */
  SandboxEnv(
      String runId,
      RepoRef repo,
      String gitHost,
      boolean caBundle,
      boolean interactive,
      boolean injected) {
    values.put("AGENT_SANDBOX", "1");
    values.put("AGENT_RUN_ID", runId);
    values.put("AGENT_REPO", repo.toString());
    values.put("HOME", SandboxSpec.HOME);
    values.put("USER", "agent");
    values.put("PATH", PATH);
    values.put("LANG", "C.UTF-8");
    String term = System.getenv("TERM");
    if (interactive && term != null && term.matches("[A-Za-z0-9._+-]{1,64}")) {
      values.put("TERM", term);
    }
    String helperKey = "credential.https://" + gitHost;
    List<String[]> git =
        injected
            ? List.<String[]>of(new String[] {"credential.helper", ""})
            : List.of(
                new String[] {"credential.helper", ""},
                new String[] {
                  helperKey + ".helper",
                  SandboxSpec.HELPER_MOUNT + "/" + HelperFiles.CREDENTIAL_HELPER
                },
                new String[] {helperKey + ".useHttpPath", "true"});
    values.put("GIT_CONFIG_COUNT", Integer.toString(git.size()));
    for (int i = 0; i < git.size(); i++) {
      values.put("GIT_CONFIG_KEY_" + i, git.get(i)[0]);
      values.put("GIT_CONFIG_VALUE_" + i, git.get(i)[1]);
    }
    values.put("GIT_TERMINAL_PROMPT", "0");
    if (caBundle) {
      String bundle = SandboxSpec.HELPER_MOUNT + "/" + HelperFiles.CA_BUNDLE;
      for (String k :
          List.of(
              "SSL_CERT_FILE",
              "GIT_SSL_CAINFO",
              "CURL_CA_BUNDLE",
              "REQUESTS_CA_BUNDLE",
              "NODE_EXTRA_CA_CERTS")) {
        values.put(k, bundle);
      }
    }
  }

  /** Proxy variables (both spellings: tools differ) and the credential endpoint, if any. */
  void network(String proxyUrl, String credentialUrl) {
    for (String k : List.of("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy")) {
      values.put(k, proxyUrl);
    }
    if (credentialUrl != null) {
      values.put("AGENT_CREDENTIAL_URL", credentialUrl);
    }
  }

  void token(String token) {
    values.put(TOKEN_VAR, token);
  }

  Map<String, String> values() {
    return Map.copyOf(values);
  }

  /**
   * The runtime client's own settings, taken from the launcher's environment: where podman or the
   * docker CLI finds its daemon, socket or configuration. They go to the runtime process only,
   * never into the sandbox (the sandbox gets exactly the names {@link #names} lists).
   */
  static final java.util.List<String> RUNTIME_CLIENT_VARS =
      java.util.List.of(
          "DOCKER_HOST",
          "DOCKER_CONTEXT",
          "DOCKER_CONFIG",
          "DOCKER_TLS_VERIFY",
          "DOCKER_CERT_PATH",
          "CONTAINER_HOST",
          "CONTAINERS_CONF",
          "CONTAINERS_STORAGE_CONF",
          "CONTAINERS_REGISTRIES_CONF",
          "XDG_RUNTIME_DIR",
          "XDG_CONFIG_HOME");

  /** The runtime process's environment: the sandbox's values plus the runtime client's settings. */
  Map<String, String> forRuntime(String runtime, Map<String, String> launcherEnv) {
    Map<String, String> all = new LinkedHashMap<>(values);
    if (!runtime.equals("bwrap")) {
      for (String k : RUNTIME_CLIENT_VARS) {
        String v = launcherEnv.get(k);
        if (v != null && !all.containsKey(k)) {
          all.put(k, v);
        }
      }
    }
    return all;
  }

  /**
   * The names the runtime passes through. OCI runtimes keep their own PATH/HOME for themselves and
   * give the image's PATH to the sandbox; HOME is passed (uid 1000 may have no passwd entry).
   */
  List<String> names(String runtime) {
    List<String> names = new ArrayList<>(values.keySet());
    if (!runtime.equals("bwrap")) {
      names.remove("PATH");
    }
    return names;
  }
}
