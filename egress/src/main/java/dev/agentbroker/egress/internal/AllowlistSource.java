package dev.agentbroker.egress.internal;

import dev.agentbroker.egress.EgressConfig;
import dev.agentbroker.policy.CompiledPolicy;
import dev.agentbroker.policy.PolicyCompiler;
import dev.agentbroker.policy.PolicyException;
import dev.agentbroker.policy.PolicyStore;
import dev.agentbroker.policy.ReloadResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The allowlist in force and its hot reload. The policy file is reloaded through {@link
 * PolicyStore} (last good kept); the settings file's {@code groups} section is reloaded here the
 * same way. A combination that fails the cross-check is not installed either.
 */
public final class AllowlistSource {
  private static final Logger LOG = Logger.getLogger("dev.agentbroker.egress.config");
  public static final String DEFAULT_POLICY = "egress-default.yaml";

  private final PolicyStore store; // null: embedded policy, never reloaded
  private final CompiledPolicy embedded;
  private final Optional<Path> settingsFile;
  private final ProxyMetrics metrics;
  private EgressConfig settings; // guarded by this
  private byte[] settingsHash; // guarded by this
  private CompiledPolicy installedPolicy; // guarded by this
  private volatile Allowlist current;

  private AllowlistSource(
      PolicyStore store,
      CompiledPolicy embedded,
      EgressConfig settings,
      Optional<Path> settingsFile,
      ProxyMetrics metrics)
      throws IOException {
    this.store = store;
    this.embedded = embedded;
    this.settings = settings;
    this.settingsFile = settingsFile;
    this.metrics = metrics;
    this.settingsHash =
        settingsFile.isPresent() ? hash(Files.readAllBytes(settingsFile.get())) : null;
    CompiledPolicy p = policy();
    List<String> problems = Allowlist.problems(p.egress(), settings);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", problems));
    }
    this.installedPolicy = p;
    this.current = new Allowlist(p.egress(), settings);
  }

  /** Loads the policy (file or embedded) and fails when it or the cross-check is broken. */
  public static AllowlistSource open(
      EgressConfig config, Optional<Path> settingsFile, Clock clock, ProxyMetrics metrics)
      throws IOException, PolicyException {
    if (config.policyFile().isPresent()) {
      return new AllowlistSource(
          PolicyStore.open(config.policyFile().get(), clock), null, config, settingsFile, metrics);
    }
    return new AllowlistSource(null, embeddedPolicy(), config, settingsFile, metrics);
  }

  public static CompiledPolicy embeddedPolicy() throws PolicyException {
    return PolicyCompiler.compile(resource(DEFAULT_POLICY), "embedded:" + DEFAULT_POLICY);
  }

  public static String resource(String name) {
    try (InputStream in = AllowlistSource.class.getResourceAsStream("/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read resource " + name, e);
    }
  }

  public Allowlist current() {
    return current;
  }

  private CompiledPolicy policy() {
    return store != null ? store.current() : embedded;
  }

  /** Checks both files; never throws. Returns true when a new allowlist was installed. */
  public synchronized boolean reload() {
    boolean failed = false;
    EgressConfig next = settings;
    if (settingsFile.isPresent()) {
      try {
        byte[] bytes = Files.readAllBytes(settingsFile.get());
        byte[] h = hash(bytes);
        if (!Arrays.equals(h, settingsHash)) {
          Path base = settingsFile.get().toAbsolutePath().getParent();
          EgressConfig parsed =
              SettingsParser.parse(
                  new String(bytes, StandardCharsets.UTF_8), settingsFile.get().toString(), base);
          if (!sameExceptGroups(parsed, settings)) {
            LOG.warning(
                "settings changed outside 'groups' and 'proxy_users'; listen, limits, audit and policy_file changes"
                    + " take effect only after a restart");
          }
          next = parsed;
          settingsHash = h;
        }
      } catch (IOException | RuntimeException e) {
        failed = true;
        LOG.severe("settings reload failed, keeping last good: " + e.getMessage());
      }
    }
    if (store != null) {
      ReloadResult r = store.reloadIfChanged();
      if (!r.problems().isEmpty()) {
        LOG.severe("policy reload failed, keeping last good: " + r.problems());
      }
      failed |= store.lastReloadFailed();
    }
    CompiledPolicy p = policy();
    boolean changed = p != installedPolicy || next != settings;
    if (changed) {
      List<String> problems = Allowlist.problems(p.egress(), next);
      if (problems.isEmpty()) {
        installedPolicy = p;
        settings = next;
        current = new Allowlist(p.egress(), next);
        LOG.info("egress allowlist reloaded from " + p.sourceName());
      } else {
        failed = true;
        LOG.severe("reloaded configuration rejected, keeping last good: " + problems);
      }
    }
    metrics.reload(failed ? "failure" : changed ? "success" : "unchanged", failed);
    return changed && !failed;
  }

  private static boolean sameExceptGroups(EgressConfig a, EgressConfig b) {
    return a.listen().equals(b.listen())
        && a.limits().equals(b.limits())
        && a.auditDirectory().equals(b.auditDirectory())
        && a.policyFile().equals(b.policyFile())
        && a.metricsListen().equals(b.metricsListen());
  }

  private static byte[] hash(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
