package dev.agentbroker.broker.ratelimit;

import static dev.agentbroker.broker.config.ConfigNames.named;

import dev.agentbroker.policy.Rate;
import java.net.URI;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link RateLimitConfig} checked and parsed. {@link #of} collects every problem before refusing,
 * like the broker's other start-up checks. Problem messages never repeat the Redis URL (it may
 * carry a password).
 */
public record RateLimitSettings(
    Store store,
    Optional<String> redisUrl,
    Duration redisTimeout,
    String keyPrefix,
    Rate tokenRequests,
    Rate globalGithubBudget,
    StoreFailure tierAOnStoreFailure) {

  /** Where GCRA state lives. */
  public enum Store {
    MEMORY,
    REDIS
  }

  /** Tier A's choice when the shared store is unreachable (Tier B always fails closed). */
  public enum StoreFailure {
    FAIL_CLOSED,
    ALLOW_LOCAL
  }

  private static final String URL = "broker.ratelimit.redis-url";
  private static final Pattern RATE =
      Pattern.compile("^\\s*([1-9][0-9]{0,9})\\s*/\\s*(second|minute|hour|day)\\s*$");

  /** Parses and validates, or throws one {@link IllegalStateException} listing every problem. */
  public static RateLimitSettings of(RateLimitConfig c) {
    List<String> problems = new ArrayList<>();
    RateLimitSettings s = of(c, problems);
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "rate limit configuration invalid:\n  - " + String.join("\n  - ", problems));
    }
    return s;
  }

  /**
   * Parses and validates, adding every problem to {@code problems} (each naming its property and
   * environment variable); the result is meaningless when a problem was added.
   */
  public static RateLimitSettings of(RateLimitConfig c, List<String> problems) {
    Store store = choice(Store.class, "broker.ratelimit.store", c.store(), problems);
    StoreFailure onFailure =
        choice(
            StoreFailure.class,
            "broker.ratelimit.tier-a-on-store-failure",
            c.tierAOnStoreFailure(),
            problems);
    Rate token = rate("broker.ratelimit.token-requests", c.tokenRequests(), problems);
    Rate global = rate("broker.ratelimit.global-github-budget", c.globalGithubBudget(), problems);
    if (store == Store.REDIS) {
      if (c.redisUrl().isEmpty() || c.redisUrl().get().isBlank()) {
        problems.add(
            named("broker.ratelimit.redis-url") + " is required when broker.ratelimit.store=redis");
      } else {
        urlProblem(c.redisUrl().get()).ifPresent(problems::add);
      }
    }
    if (c.redisTimeout().isNegative()
        || c.redisTimeout().isZero()
        || c.redisTimeout().compareTo(Duration.ofSeconds(10)) > 0) {
      problems.add(named("broker.ratelimit.redis-timeout") + " must be between 1ms and 10s");
    }
    if (c.redisKeyPrefix().isBlank() || c.redisKeyPrefix().length() > 64) {
      problems.add(named("broker.ratelimit.redis-key-prefix") + " must be 1-64 characters");
    }
    return new RateLimitSettings(
        store,
        c.redisUrl().filter(u -> store == Store.REDIS),
        c.redisTimeout(),
        c.redisKeyPrefix(),
        token,
        global,
        onFailure);
  }

  /** {@code N/unit} as in the policy file ({@code 3/hour}); null and a problem when invalid. */
  static Rate parseRate(String text) {
    Matcher m = RATE.matcher(text == null ? "" : text.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      return null;
    }
    ChronoUnit unit =
        switch (m.group(2)) {
          case "second" -> ChronoUnit.SECONDS;
          case "minute" -> ChronoUnit.MINUTES;
          case "hour" -> ChronoUnit.HOURS;
          default -> ChronoUnit.DAYS;
        };
    long permits = Long.parseLong(m.group(1));
    // GCRA works in microseconds; one unit per microsecond is the finest emission interval.
    if (permits > unit.getDuration().toNanos() / 1000) {
      return null;
    }
    return new Rate(permits, unit);
  }

  /**
   * The URL without its user-info, for logs: {@code redis://host:port/db}. A URL that does not
   * parse is shown as {@code <unparseable>} rather than echoed.
   */
  public static String redact(String url) {
    try {
      URI u = new URI(url);
      String port = u.getPort() < 0 ? "" : ":" + u.getPort();
      String path = u.getPath() == null ? "" : u.getPath();
      return u.getScheme() + "://" + u.getHost() + port + path;
    } catch (Exception e) {
      return "<unparseable>";
    }
  }

  /** The password part of the URL's user-info, so error messages can be scrubbed of it. */
  public static Optional<String> password(String url) {
    try {
      String info = new URI(url).getRawUserInfo();
      if (info == null) {
        return Optional.empty();
      }
      int colon = info.indexOf(':');
      String secret = colon < 0 ? info : info.substring(colon + 1);
      return secret.isEmpty() ? Optional.empty() : Optional.of(secret);
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  private static Optional<String> urlProblem(String url) {
    URI u;
    try {
      u = new URI(url.trim());
    } catch (Exception e) {
      return Optional.of(named(URL) + " is not a valid URL");
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("redis") && !scheme.equals("rediss")) {
      return Optional.of(named(URL) + " must start with redis:// or rediss://");
    }
    if (u.getHost() == null || u.getHost().isBlank()) {
      return Optional.of(named(URL) + " has no host");
    }
    return Optional.empty();
  }

  private static Rate rate(String key, String text, List<String> problems) {
    Rate r = parseRate(text);
    if (r == null) {
      problems.add(
          named(key)
              + " must be N/second|minute|hour|day with 1 <= N <= one per microsecond, not '"
              + text
              + "'");
    }
    return r;
  }

  private static <E extends Enum<E>> E choice(
      Class<E> type, String key, String value, List<String> problems) {
    String norm = value == null ? "" : value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(norm)) {
        return e;
      }
    }
    List<String> allowed = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      allowed.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    problems.add(
        named(key) + " must be one of " + String.join("|", allowed) + ", not '" + value + "'");
    return null;
  }
}
