package dev.agentbroker.broker.config;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Semantic checks the type system cannot make. Every problem is collected so an operator fixes them
 * in one round instead of one restart per mistake.
 */
public final class ConfigProblems {
  private static final Set<String> ALGORITHMS = Set.of("RS256", "ES256");
  private static final List<String> KEY_SOURCES = List.of("file", "vault-kv", "vault-transit");
  private static final int MAX_SKEW_SECONDS = 120;
  private static final Duration MAX_LIFETIME = Duration.ofHours(24);

  private ConfigProblems() {}

  public static List<String> of(BrokerConfig c) {
    List<String> out = new ArrayList<>();
    BrokerConfig.GitHub g = c.github();
    if (g.appId().isEmpty() && g.clientId().isEmpty()) {
      out.add(
          named("broker.github.app-id")
              + " or "
              + named("broker.github.client-id")
              + " must be set");
    }
    g.appId()
        .filter(id -> id <= 0)
        .ifPresent(id -> out.add(named("broker.github.app-id") + " must be a positive number"));
    String scheme = g.apiUrl().getScheme();
    if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme)) {
      out.add(named("broker.github.api-url") + " must be an http(s) URL");
    }
    if (g.maxAttempts() < 1 || g.maxAttempts() > 10) {
      out.add(named("broker.github.max-attempts") + " must be between 1 and 10");
    }
    keyProblems(c.key(), out);
    if (!Files.isReadable(c.policy().file())) {
      out.add(named("broker.policy.file") + " is not readable: " + c.policy().file());
    }
    if (c.audit().maxPending() < 1) {
      out.add(named("broker.audit.max-pending") + " must be >= 1");
    }
    int skew = c.jwt().clockSkewSeconds();
    if (skew < 0 || skew > MAX_SKEW_SECONDS) {
      out.add(
          "broker.jwt.clock-skew-seconds (BROKER_JWT_CLOCK_SKEW_SECONDS) must be between 0 and "
              + MAX_SKEW_SECONDS
              + " (got "
              + skew
              + ")");
    }
    if (c.jwt().issuers().isEmpty()) {
      out.add(named("broker.jwt.issuers") + " must name at least one trusted caller issuer");
    }
    List<IssuerPresets.Resolved> issuers = new ArrayList<>();
    c.jwt().issuers().forEach((name, i) -> issuers.add(IssuerPresets.resolve(name, i, out)));
    for (IssuerPresets.Resolved i : issuers) {
      String p = "broker.jwt.issuers." + i.name();
      if (i.audiences().isEmpty()) {
        out.add(named(p + ".audiences") + " must not be empty");
      }
      for (String a : i.algorithms()) {
        if (!ALGORITHMS.contains(a)) {
          out.add(named(p + ".algorithms") + ": '" + a + "' is not allowed (RS256, ES256 only)");
        }
      }
      Duration life = c.jwt().issuers().get(i.name()).maxTokenLifetime();
      if (life.isNegative() || life.isZero() || life.compareTo(MAX_LIFETIME) > 0) {
        out.add(
            p
                + ".max-token-lifetime ("
                + env(p + ".max-token-lifetime")
                + ") must be more than 0 and at most 24h (got "
                + life
                + ")");
      }
      IssuerKeyCheck.problems(i, out);
    }
    long distinct = issuers.stream().map(IssuerPresets.Resolved::issuer).distinct().count();
    if (distinct != issuers.size()) {
      out.add(named("broker.jwt.issuers") + ": two entries share one issuer value");
    }
    Duration idemTtl = c.verbs().idempotencyTtl();
    if (idemTtl.compareTo(Duration.ofMinutes(1)) < 0 || idemTtl.compareTo(Duration.ofDays(7)) > 0) {
      out.add(
          "broker.verbs.idempotency-ttl (BROKER_VERBS_IDEMPOTENCY_TTL) must be between 1m and 7d"
              + " (got "
              + idemTtl
              + ")");
    }
    if (c.leases().capacity() < 1) {
      out.add(named("broker.leases.capacity") + " must be >= 1");
    }
    return out;
  }

  static String env(String property) {
    return ConfigNames.env(property);
  }

  private static String named(String property) {
    return ConfigNames.named(property);
  }

  /** Key custody: the mode's own keys, and for OpenBao modes the quarkus-vault login keys. */
  private static void keyProblems(BrokerConfig.Key k, List<String> out) {
    String source = k.source();
    if (!KEY_SOURCES.contains(source)) {
      out.add(
          named("broker.key.source")
              + " must be one of "
              + KEY_SOURCES
              + " (got '"
              + source
              + "')");
      return;
    }
    if ("file".equals(source)) {
      if (k.file().isEmpty()) {
        out.add(named("broker.key.file") + " must be set when broker.key.source=file");
      }
      k.fileGroup()
          .filter(g -> g < 0)
          .ifPresent(
              g -> out.add("broker.key.file-group (BROKER_KEY_FILE_GROUP) must be a gid >= 0"));
      return;
    }
    if ("vault-kv".equals(source) && k.vaultKvPath().filter(p -> !p.isBlank()).isEmpty()) {
      out.add(named("broker.key.vault-kv-path") + " must be set when broker.key.source=vault-kv");
    }
    if ("vault-transit".equals(source) && k.transitKey().filter(p -> !p.isBlank()).isEmpty()) {
      out.add(
          named("broker.key.transit-key") + " must be set when broker.key.source=vault-transit");
    }
    if (k.file().isPresent()) {
      out.add(
          named("broker.key.file")
              + " must not be set with broker.key.source="
              + source
              + " (the key must not sit on the broker's disk)");
    }
    if (k.refreshInterval().compareTo(Duration.ofSeconds(5)) < 0) {
      out.add(named("broker.key.refresh-interval") + " must be at least 5s");
    }
    Config mp = ConfigProvider.getConfig();
    if (mp.getOptionalValue("quarkus.vault.url", String.class).isEmpty()) {
      out.add(named("quarkus.vault.url") + " must be set when broker.key.source=" + source);
    }
    String ar = "quarkus.vault.authentication.app-role.";
    boolean token =
        mp.getOptionalValue("quarkus.vault.authentication.client-token", String.class).isPresent();
    boolean roleId = mp.getOptionalValue(ar + "role-id", String.class).isPresent();
    boolean secretId = mp.getOptionalValue(ar + "secret-id", String.class).isPresent();
    boolean wrapped =
        mp.getOptionalValue(ar + "secret-id-wrapping-token", String.class).isPresent();
    if (!token) {
      if (!roleId) {
        out.add(named(ar + "role-id") + " must be set (the broker logs in to OpenBao by AppRole)");
      }
      if (secretId == wrapped) {
        out.add(
            "exactly one of "
                + named(ar + "secret-id")
                + " and "
                + named(ar + "secret-id-wrapping-token")
                + " must be set");
      }
    }
  }
}
