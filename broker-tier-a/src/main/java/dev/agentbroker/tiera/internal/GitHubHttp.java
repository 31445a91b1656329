package dev.agentbroker.tiera.internal;

import dev.agentbroker.tiera.github.GitHubException;
import dev.agentbroker.tiera.github.GitHubException.Kind;
import dev.agentbroker.tiera.github.GitHubSettings;
import dev.agentbroker.tiera.github.RateLimitSnapshot;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One place that talks HTTP to GitHub: required headers, bounded retries with jittered exponential
 * backoff on 5xx and network errors, and rate-limit handling that backs off instead of hammering
 * (403/429 with {@code retry-after} or {@code x-ratelimit-remaining: 0} are surfaced, never retried
 * here).
 */
public final class GitHubHttp {
  private final GitHubSettings settings;
  private final HttpClient client;
  private final Clock clock;
  private final Sleeper sleeper;
  private final AtomicReference<RateLimitSnapshot> rateLimit =
      new AtomicReference<>(RateLimitSnapshot.UNKNOWN);

  public GitHubHttp(GitHubSettings settings, Clock clock, Sleeper sleeper) {
    this.settings = settings;
    this.clock = clock;
    this.sleeper = sleeper;
    HttpClient.Version version =
        "http".equalsIgnoreCase(settings.apiUrl().getScheme())
            ? HttpClient.Version.HTTP_1_1
            : HttpClient.Version.HTTP_2;
    this.client =
        HttpClient.newBuilder()
            .version(version)
            .connectTimeout(settings.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            // Only blocking send() is used, from the caller's thread. The client's own tasks
            // (response headers and body, completing the future) are short and never block, so
            // they run on its selector thread instead of being handed to a pool: one thread
            // hand-off per call instead of three (measured: docs/performance.md, mint path).
            .executor(Runnable::run)
            .build();
  }

  /** The answer to a call that got an HTTP response GitHub did not mark as retryable. */
  public record Answer(int status, String body) {}

  public RateLimitSnapshot rateLimit() {
    return rateLimit.get();
  }

  /**
   * Sends a request. {@code authorization} is the full header value; it is never logged or put in
   * an exception.
   */
  public Answer send(String method, String path, String authorization, String jsonBody)
      throws GitHubException {
    return send(method, path, authorization, jsonBody, true);
  }

  /**
   * Sends a request that must not run twice: the installation-token mint, whose effect (a live
   * token) cannot be looked up afterwards because GitHub does not list installation tokens. It is
   * retried only when the request certainly never reached GitHub (the connection could not be
   * opened); after a 5xx, a timeout or a connection lost once the request was sent, it fails at
   * once with {@link GitHubException#mayHaveMinted()} set, so the caller journals the ambiguous
   * attempt instead of silently minting a second token.
   */
  public Answer sendAtMostOnce(String method, String path, String authorization, String jsonBody)
      throws GitHubException {
    return send(method, path, authorization, jsonBody, false);
  }

  private Answer send(
      String method, String path, String authorization, String jsonBody, boolean replayable)
      throws GitHubException {
    URI uri = URI.create(settings.apiUrl() + path);
    int attempt = 0;
    while (true) {
      attempt++;
      HttpRequest.Builder b =
          HttpRequest.newBuilder(uri)
              .timeout(settings.requestTimeout())
              .header("User-Agent", settings.userAgent())
              .header("Accept", "application/vnd.github+json")
              .header("X-GitHub-Api-Version", settings.apiVersion())
              .header("Authorization", authorization);
      if (jsonBody != null) {
        b.header("Content-Type", "application/json");
        b.method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
      } else {
        b.method(method, HttpRequest.BodyPublishers.noBody());
      }
      HttpResponse<String> response;
      try {
        response = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        boolean neverSent =
            e instanceof ConnectException || e instanceof HttpConnectTimeoutException;
        if (!replayable && !neverSent) {
          throw new GitHubException(
              Kind.UNAVAILABLE,
              0,
              "GitHub did not answer a call that is not retried ("
                  + e.getClass().getSimpleName()
                  + "); it may have taken effect",
              null,
              null,
              true);
        }
        if (attempt >= settings.maxAttempts()) {
          throw new GitHubException(
              Kind.UNAVAILABLE,
              0,
              "GitHub unreachable after " + attempt + " attempts: " + e.getClass().getSimpleName(),
              null,
              null);
        }
        backoff(attempt, Optional.empty());
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new GitHubException(Kind.UNAVAILABLE, 0, "interrupted", null, null);
      }
      recordRateLimit(response);
      int status = response.statusCode();
      Optional<Duration> retryAfter = retryAfter(response);
      if (isRateLimited(status, response, retryAfter)) {
        Duration wait = retryAfter.orElseGet(() -> untilReset(response));
        throw new GitHubException(
            Kind.RATE_LIMITED,
            status,
            "GitHub rate limit reached",
            GitHubJson.message(response.body()),
            wait);
      }
      if (status >= 500) {
        if (!replayable) {
          throw new GitHubException(
              Kind.UNAVAILABLE,
              status,
              "GitHub answered "
                  + status
                  + " to a call that is not retried; it may have taken effect",
              GitHubJson.message(response.body()),
              retryAfter.orElse(null),
              true);
        }
        if (attempt >= settings.maxAttempts()) {
          throw new GitHubException(
              Kind.UNAVAILABLE,
              status,
              "GitHub answered " + status + " after " + attempt + " attempts",
              GitHubJson.message(response.body()),
              retryAfter.orElse(null));
        }
        backoff(attempt, retryAfter);
        continue;
      }
      return new Answer(status, response.body());
    }
  }

  private static boolean isRateLimited(
      int status, HttpResponse<String> response, Optional<Duration> retryAfter) {
    if (status == 429) {
      return true;
    }
    if (status != 403) {
      return false;
    }
    // A 403 is a rate limit only when GitHub says so in headers; otherwise it is a real refusal
    // (suspended installation, missing User-Agent) and must not be retried.
    return retryAfter.isPresent()
        || response.headers().firstValue("x-ratelimit-remaining").map("0"::equals).orElse(false);
  }

  private Duration untilReset(HttpResponse<String> response) {
    long reset =
        response
            .headers()
            .firstValue("x-ratelimit-reset")
            .map(GitHubHttp::parseLongOrZero)
            .orElse(0L);
    long seconds = reset - clock.instant().getEpochSecond();
    return Duration.ofSeconds(Math.max(1, Math.min(seconds, 3600)));
  }

  private static Optional<Duration> retryAfter(HttpResponse<String> response) {
    return response
        .headers()
        .firstValue("retry-after")
        .map(GitHubHttp::parseLongOrZero)
        .filter(s -> s > 0)
        .map(Duration::ofSeconds);
  }

  private void recordRateLimit(HttpResponse<String> response) {
    var h = response.headers();
    Optional<String> remaining = h.firstValue("x-ratelimit-remaining");
    if (remaining.isEmpty()) {
      return;
    }
    rateLimit.set(
        new RateLimitSnapshot(
            h.firstValue("x-ratelimit-limit").map(GitHubHttp::parseLongOrZero).orElse(-1L),
            parseLongOrZero(remaining.get()),
            Instant.ofEpochSecond(
                h.firstValue("x-ratelimit-reset").map(GitHubHttp::parseLongOrZero).orElse(0L)),
            h.firstValue("x-ratelimit-resource").orElse("")));
  }

  private void backoff(int attempt, Optional<Duration> retryAfter) throws GitHubException {
    long capMs = settings.backoffMax().toMillis();
    long expMs = Math.min(capMs, settings.backoffBase().toMillis() << Math.min(attempt - 1, 16));
    // Full jitter: spreads retries of many broker threads so they do not arrive together.
    long waitMs = ThreadLocalRandom.current().nextLong(expMs / 2, expMs + 1);
    if (retryAfter.isPresent()) {
      waitMs = Math.max(waitMs, Math.min(capMs, retryAfter.get().toMillis()));
    }
    try {
      sleeper.sleep(Duration.ofMillis(waitMs));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GitHubException(Kind.UNAVAILABLE, 0, "interrupted during backoff", null, null);
    }
  }

  private static long parseLongOrZero(String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return 0L;
    }
  }
}
