package dev.agentbroker.broker.ratelimit;

import dev.agentbroker.request.admission.RateDecision;
import dev.agentbroker.request.admission.RateLimiter;
import dev.agentbroker.request.admission.RateLimiterUnavailableException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * GCRA shared by every broker replica through Redis. One Lua script reads the key's theoretical
 * arrival time (TAT), decides and writes the new TAT; Redis runs scripts one at a time, so two
 * replicas can never both spend the last unit. Time comes from the broker's {@link Clock} (ADR
 * 0008) in microseconds, which a Lua number (a double) holds exactly.
 *
 * <p>The answers equal {@link dev.agentbroker.request.admission.InMemoryRateLimiter}'s, at
 * microsecond instead of nanosecond resolution. Any Redis failure or a slow answer throws {@link
 * RateLimiterUnavailableException}: callers fail closed. A unit may then have been spent without
 * the caller knowing, which errs on the safe side.
 */
public final class RedisRateLimiter implements RateLimiter, AutoCloseable {
  /**
   * KEYS[1] = TAT key; ARGV = now, window, emission interval (all µs), key TTL (ms). Returns
   * {allowed 0|1, remaining, retry-after µs}. Numbers are written with %.0f because Lua's default
   * number formatting keeps only 14 significant digits.
   */
  static final String SCRIPT =
      """
      local now = tonumber(ARGV[1])
      local window = tonumber(ARGV[2])
      local interval = tonumber(ARGV[3])
      local tat = tonumber(redis.call('GET', KEYS[1]) or ARGV[1])
      if tat < now then tat = now end
      local nxt = tat + interval
      if nxt - now > window then
        local wait = nxt - window - now
        if wait < 1 then wait = 1 end
        return {0, 0, wait}
      end
      redis.call('SET', KEYS[1], string.format('%.0f', nxt), 'PX', ARGV[4])
      return {1, math.floor((window - (nxt - now)) / interval), 0}
      """;

  static final String SCRIPT_SHA1 = sha1(SCRIPT);

  private final Redis redis;
  private final Clock clock;
  private final long timeoutMillis;
  private final String prefix;
  private final List<String> secrets;

  /**
   * @param url {@code redis://[user:password@]host:port[/db]}; never logged or echoed
   * @param timeout longest wait for one decision, connect included
   * @param prefix prepended to every key ({@code agent-broker:rl:})
   */
  public RedisRateLimiter(Vertx vertx, String url, Duration timeout, String prefix, Clock clock) {
    this.clock = clock;
    this.timeoutMillis = Math.max(1, timeout.toMillis());
    this.prefix = prefix;
    this.secrets = RedisConnections.secrets(url);
    this.redis = RedisConnections.client(vertx, url, timeoutMillis);
  }

  @Override
  public RateDecision acquire(String key, long permits, Duration window)
      throws RateLimiterUnavailableException {
    if (permits < 1) {
      throw new IllegalArgumentException("permits must be at least 1");
    }
    long windowMicros = window.toNanos() / 1000;
    long interval = windowMicros / permits;
    if (interval < 1) {
      throw new IllegalArgumentException("more than one permit per microsecond");
    }
    long now = ChronoUnit.MICROS.between(Instant.EPOCH, clock.instant());
    long ttlMillis = Math.max(1, (windowMicros + 999) / 1000);
    Response r =
        await(
            eval(
                prefix + key,
                Long.toString(now),
                Long.toString(windowMicros),
                Long.toString(interval),
                Long.toString(ttlMillis)));
    boolean allowed = r.get(0).toLong() == 1;
    long remaining = r.get(1).toLong();
    Duration retry = allowed ? Duration.ZERO : Duration.of(r.get(2).toLong(), ChronoUnit.MICROS);
    return new RateDecision(allowed, permits, remaining, retry);
  }

  /** One round trip (PING); true when Redis answered in time. For start-up diagnostics. */
  public boolean ping() {
    try {
      await(redis.send(Request.cmd(Command.PING)));
      return true;
    } catch (RateLimiterUnavailableException e) {
      return false;
    }
  }

  @Override
  public void close() {
    redis.close();
  }

  /** EVALSHA; on NOSCRIPT (a restarted or flushed Redis) EVAL, which also re-caches the script. */
  private Future<Response> eval(String key, String... args) {
    Request sha = Request.cmd(Command.EVALSHA).arg(SCRIPT_SHA1).arg(1).arg(key);
    Request full = Request.cmd(Command.EVAL).arg(SCRIPT).arg(1).arg(key);
    for (String a : args) {
      sha.arg(a);
      full.arg(a);
    }
    return redis
        .send(sha)
        .recover(
            e ->
                e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT")
                    ? redis.send(full)
                    : Future.failedFuture(e));
  }

  private Response await(Future<Response> f) throws RateLimiterUnavailableException {
    if (Context.isOnEventLoopThread()) {
      // Blocking here would stall the very loop that must deliver Redis's answer.
      throw new IllegalStateException("RedisRateLimiter must not be called on an event loop");
    }
    try {
      Response r =
          f.toCompletionStage().toCompletableFuture().get(timeoutMillis, TimeUnit.MILLISECONDS);
      if (r == null) {
        throw new RateLimiterUnavailableException("redis answered nothing", null);
      }
      return r;
    } catch (TimeoutException e) {
      throw new RateLimiterUnavailableException(
          "redis did not answer within " + timeoutMillis + " ms", null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RateLimiterUnavailableException("interrupted waiting for redis", null);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      String message = scrub(cause.getClass().getSimpleName() + ": " + cause.getMessage());
      // The driver's exception is attached only when nothing in its chain names the password.
      throw new RateLimiterUnavailableException(
          "redis unavailable: " + message, mentionsPassword(cause) ? null : cause);
    }
  }

  private String scrub(String text) {
    return RedisConnections.scrub(text, secrets);
  }

  private boolean mentionsPassword(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      String m = c.getMessage();
      if (m != null && secrets.stream().anyMatch(m::contains)) {
        return true;
      }
    }
    return false;
  }

  private static String sha1(String s) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
