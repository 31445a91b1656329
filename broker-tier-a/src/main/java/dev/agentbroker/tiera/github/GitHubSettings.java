package dev.agentbroker.tiera.github;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach GitHub. {@code appIssuer} is the App JWT {@code iss}: the numeric App ID (needed by
 * GHES 3.13 and older) or the client ID.
 */
public record GitHubSettings(
    URI apiUrl,
    String appIssuer,
    String userAgent,
    String apiVersion,
    Duration connectTimeout,
    Duration requestTimeout,
    int maxAttempts,
    Duration backoffBase,
    Duration backoffMax,
    Duration installationCacheTtl,
    Duration installationMissTtl) {

  public static final String DEFAULT_API_VERSION = "2022-11-28";

  public GitHubSettings {
    Objects.requireNonNull(apiUrl, "apiUrl");
    Objects.requireNonNull(appIssuer, "appIssuer");
    String s = apiUrl.toString();
    if (s.endsWith("/")) {
      apiUrl = URI.create(s.substring(0, s.length() - 1));
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1");
    }
  }

  /** Sensible defaults for a given API URL and issuer. */
  public static GitHubSettings defaults(URI apiUrl, String appIssuer) {
    return new GitHubSettings(
        apiUrl,
        appIssuer,
        "agent-broker/0.1",
        DEFAULT_API_VERSION,
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        3,
        Duration.ofMillis(200),
        Duration.ofSeconds(2),
        Duration.ofMinutes(10),
        Duration.ofSeconds(30));
  }
}
