package dev.agentbroker.broker.config;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Semantic checks the type system cannot make. Every problem is collected so an operator fixes them
 * in one round instead of one restart per mistake.
 */
public final class ConfigProblems {
  private static final Set<String> ALGORITHMS = Set.of("RS256", "ES256");

  private ConfigProblems() {}

  public static List<String> of(BrokerConfig c) {
    List<String> out = new ArrayList<>();
    BrokerConfig.GitHub g = c.github();
    if (g.appId().isEmpty() && g.clientId().isEmpty()) {
      out.add("broker.github.app-id or broker.github.client-id must be set");
    }
    g.appId()
        .filter(id -> id <= 0)
        .ifPresent(id -> out.add("broker.github.app-id must be a positive number"));
    String scheme = g.apiUrl().getScheme();
    if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme)) {
      out.add("broker.github.api-url must be an http(s) URL");
    }
    if (g.maxAttempts() < 1 || g.maxAttempts() > 10) {
      out.add("broker.github.max-attempts must be between 1 and 10");
    }
    if (!"file".equals(c.key().source())) {
      out.add("broker.key.source must be 'file' (got '" + c.key().source() + "')");
    } else if (c.key().file().isEmpty()) {
      out.add("broker.key.file must be set when broker.key.source=file");
    }
    if (!Files.isReadable(c.policy().file())) {
      out.add("broker.policy.file is not readable: " + c.policy().file());
    }
    if (c.audit().maxPending() < 1) {
      out.add("broker.audit.max-pending must be >= 1");
    }
    if (c.jwt().issuers().isEmpty()) {
      out.add("broker.jwt.issuers must name at least one trusted caller issuer");
    }
    c.jwt()
        .issuers()
        .forEach(
            (name, i) -> {
              String p = "broker.jwt.issuers." + name;
              if (i.issuer().isBlank()) {
                out.add(p + ".issuer must not be blank");
              }
              if (i.audiences().isEmpty()) {
                out.add(p + ".audiences must not be empty");
              }
              for (String a : i.algorithms()) {
                if (!ALGORITHMS.contains(a)) {
                  out.add(p + ".algorithms: '" + a + "' is not allowed (RS256, ES256 only)");
                }
              }
            });
    long distinct =
        c.jwt().issuers().values().stream().map(BrokerConfig.Issuer::issuer).distinct().count();
    if (distinct != c.jwt().issuers().size()) {
      out.add("broker.jwt.issuers: two entries share one issuer value");
    }
    if (c.leases().capacity() < 1) {
      out.add("broker.leases.capacity must be >= 1");
    }
    return out;
  }
}
