package dev.agentbroker.broker.state;

import dev.agentbroker.broker.ratelimit.RedisConnections;
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
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * The one Redis client of the shared state store (leases, grants, sessions): blocking calls with a
 * deadline, for worker threads only. Every failure becomes a {@link StateUnavailableException}
 * whose message holds neither the URL nor the password. Scripts run as {@code EVALSHA}, falling
 * back to {@code EVAL} once on {@code NOSCRIPT} (a restarted or flushed Redis).
 */
public final class SharedRedis implements AutoCloseable {
  private final Redis redis;
  private final long timeoutMillis;
  private final List<String> secrets;
  private final LongAdder roundTrips = new LongAdder();

  /**
   * @param url {@code redis://[user:password@]host:port[/db]}; never logged or echoed
   * @param timeout longest wait for one answer, connect included
   */
  public SharedRedis(Vertx vertx, String url, Duration timeout) {
    this.timeoutMillis = Math.max(1, timeout.toMillis());
    this.secrets = RedisConnections.secrets(url);
    this.redis = RedisConnections.client(vertx, url, timeoutMillis);
  }

  /** One command; its answer, or null for Redis's nil. */
  public Response send(Request request) throws StateUnavailableException {
    return await(redis.send(request));
  }

  /** One script run (atomic in Redis): {@code EVALSHA}, or {@code EVAL} after {@code NOSCRIPT}. */
  public Response eval(Script script, List<String> keys, List<String> args)
      throws StateUnavailableException {
    Request sha = Request.cmd(Command.EVALSHA).arg(script.sha1()).arg(keys.size());
    Request full = Request.cmd(Command.EVAL).arg(script.source()).arg(keys.size());
    for (String k : keys) {
      sha.arg(k);
      full.arg(k);
    }
    for (String a : args) {
      sha.arg(a);
      full.arg(a);
    }
    return await(
        redis
            .send(sha)
            .recover(
                e ->
                    e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT")
                        ? redis.send(full)
                        : Future.failedFuture(e)));
  }

  /** True when Redis answered a PING in time: for readiness. */
  public boolean ping() {
    try {
      send(Request.cmd(Command.PING));
      return true;
    } catch (StateUnavailableException e) {
      return false;
    }
  }

  /** Commands and scripts sent so far (for the replica benchmark's round trips per mint). */
  public long roundTrips() {
    return roundTrips.sum();
  }

  @Override
  public void close() {
    redis.close();
  }

  private Response await(Future<Response> f) throws StateUnavailableException {
    if (Context.isOnEventLoopThread()) {
      // Blocking here would stall the very loop that must deliver Redis's answer.
      throw new IllegalStateException("SharedRedis must not be called on an event loop");
    }
    roundTrips.increment();
    try {
      return f.toCompletionStage().toCompletableFuture().get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new StateUnavailableException("redis did not answer within " + timeoutMillis + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StateUnavailableException("interrupted waiting for redis");
    } catch (ExecutionException e) {
      Throwable c = e.getCause() == null ? e : e.getCause();
      throw new StateUnavailableException(
          "redis unavailable: "
              + RedisConnections.scrub(
                  c.getClass().getSimpleName() + ": " + c.getMessage(), secrets));
    }
  }

  /** A Lua script and its SHA-1, computed once. */
  public record Script(String source, String sha1) {
    public static Script of(String source) {
      try {
        return new Script(
            source,
            HexFormat.of()
                .formatHex(
                    MessageDigest.getInstance("SHA-1")
                        .digest(source.getBytes(StandardCharsets.UTF_8))));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
