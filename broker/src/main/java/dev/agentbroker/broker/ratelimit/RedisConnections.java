package dev.agentbroker.broker.ratelimit;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * How the broker opens a Redis client (the rate limiter's, the idempotency records', the shared
 * state's) and keeps its password out of messages: one place, so the clients cannot drift apart.
 */
public final class RedisConnections {
  private RedisConnections() {}

  /**
   * A pooled client for {@code url}. Requests queue for a pooled connection instead of failing
   * under a burst; each caller's own deadline still bounds how long anyone waits. {@code
   * timeoutMillis} bounds the connect.
   */
  public static Redis client(Vertx vertx, String url, long timeoutMillis) {
    RedisOptions options =
        new RedisOptions()
            .setConnectionString(url)
            .setMaxPoolSize(8)
            .setMaxPoolWaiting(4096)
            .setMaxWaitingHandlers(4096)
            .setPoolRecycleTimeout(60_000);
    options
        .getNetClientOptions()
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, timeoutMillis)))
        .setTcpNoDelay(true);
    return Redis.createClient(vertx, options);
  }

  /** The URL's password as written and as the driver decodes it: neither may reach a message. */
  public static List<String> secrets(String url) {
    return RateLimitSettings.password(url)
        .map(p -> List.of(p, URLDecoder.decode(p, StandardCharsets.UTF_8)))
        .orElse(List.of());
  }

  /** {@code text} with every one of {@code secrets} replaced by {@code ****}. */
  public static String scrub(String text, List<String> secrets) {
    String out = text;
    for (String s : secrets) {
      out = out == null ? null : out.replace(s, "****");
    }
    return out;
  }
}
