package dev.agentbroker.broker.ratelimit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentbroker.tierb.IdempotencyStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * {@link IdempotencyStore} shared by every replica through the rate-limit Redis. A claim is one
 * atomic {@code SET key {"h":bodyHash} NX PX in-flight}: of two concurrent identical calls, on any
 * replicas, exactly one gets {@code OK} and runs the verb; the other reads the record and is busy
 * (or replays once the answer is stored). The answer is stored with {@code SET … XX PX ttl}.
 *
 * <p>The claim's own expiry is short ({@code min(ttl, 10 min)}): a replica that dies mid-call does
 * not leave the key busy for a day. Expiry runs on Redis's clock (not the broker's): records are
 * only ever kept, never trusted, for longer. A Redis failure on claim answers {@link
 * Claim.Unavailable} (the call is refused); on complete or release it is logged, and the short
 * claim expiry frees the key.
 */
public final class RedisIdempotencyStore implements IdempotencyStore, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(RedisIdempotencyStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Duration IN_FLIGHT = Duration.ofMinutes(10);

  /** Deletes the key only while it still holds this call's claim (never a stored answer). */
  private static final String RELEASE =
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end"
          + " return 0";

  /**
   * One Redis command, answered or failed; a failure's message must hold no secret (it is logged).
   * The broker's shared state client ({@code broker.state.store=redis}) is one.
   */
  @FunctionalInterface
  public interface Sender {
    Response send(Request request) throws Exception;
  }

  private final Redis redis; // null when the sender is borrowed
  private final Sender sender;
  private final long timeoutMillis;
  private final String prefix;
  private final long ttlMillis;
  private final long inFlightMillis;

  /**
   * @param url the rate-limit Redis ({@code broker.ratelimit.redis-url}); never logged
   * @param prefix {@code broker.ratelimit.redis-key-prefix}; records live under {@code prefix +
   *     "idem:"}
   */
  public RedisIdempotencyStore(
      Vertx vertx, String url, Duration timeout, String prefix, Duration ttl) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive");
    }
    this.timeoutMillis = Math.max(1, timeout.toMillis());
    this.prefix = prefix + "idem:";
    this.ttlMillis = ttl.toMillis();
    this.inFlightMillis = Math.min(ttlMillis, IN_FLIGHT.toMillis());
    this.redis = RedisConnections.client(vertx, url, timeoutMillis);
    this.sender = r -> await(redis.send(r));
  }

  /**
   * Over a client the caller owns (and closes): the shared state's, so a replica keeps one Redis
   * client instead of two. Its deadline is the client's own.
   */
  public RedisIdempotencyStore(Sender sender, String prefix, Duration ttl) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive");
    }
    this.redis = null;
    this.sender = sender;
    this.timeoutMillis = 0;
    this.prefix = prefix + "idem:";
    this.ttlMillis = ttl.toMillis();
    this.inFlightMillis = Math.min(ttlMillis, IN_FLIGHT.toMillis());
  }

  private Response send(Request r) throws Unavailable {
    try {
      return sender.send(r);
    } catch (Unavailable e) {
      throw e;
    } catch (Exception e) {
      throw new Unavailable(e.getMessage());
    }
  }

  @Override
  public Claim claim(String key, String bodyHash) {
    String claimed = claimValue(bodyHash);
    try {
      // Two rounds: the record seen by GET may expire before it is read.
      for (int round = 0; round < 2; round++) {
        Response set =
            send(
                (Request.cmd(Command.SET)
                    .arg(prefix + key)
                    .arg(claimed)
                    .arg("NX")
                    .arg("PX")
                    .arg(inFlightMillis)));
        if (set != null && "OK".equals(set.toString())) {
          return new Claim.Fresh();
        }
        Response existing = send((Request.cmd(Command.GET).arg(prefix + key)));
        if (existing == null) {
          continue;
        }
        JsonNode n = JSON.readTree(existing.toString());
        if (!bodyHash.equals(n.path("h").asText())) {
          return new Claim.Conflict();
        }
        if (!n.has("s")) {
          return new Claim.Busy();
        }
        return new Claim.Replay(new Stored(n.get("s").asInt(), n.path("b").asText()));
      }
      return new Claim.Busy();
    } catch (Unavailable e) {
      return new Claim.Unavailable(e.getMessage());
    } catch (java.io.IOException e) {
      // A record this code did not write: refuse rather than guess.
      return new Claim.Unavailable("unreadable idempotency record");
    }
  }

  @Override
  public void complete(String key, Stored stored) {
    try {
      Response r = send((Request.cmd(Command.GET).arg(prefix + key)));
      if (r == null) {
        return; // claim expired meanwhile: nothing to attach the answer to
      }
      ObjectNode n = (ObjectNode) JSON.readTree(r.toString());
      n.put("s", stored.status()).put("b", stored.body());
      send(
          (Request.cmd(Command.SET)
              .arg(prefix + key)
              .arg(n.toString())
              .arg("XX")
              .arg("PX")
              .arg(ttlMillis)));
    } catch (Unavailable | java.io.IOException | ClassCastException e) {
      LOG.warnf("idempotency answer not stored (%s); a retry runs the verb again", e.getMessage());
    }
  }

  @Override
  public void release(String key) {
    try {
      Response r = send((Request.cmd(Command.GET).arg(prefix + key)));
      if (r == null) {
        return;
      }
      JsonNode n = JSON.readTree(r.toString());
      if (n.has("s")) {
        return;
      }
      send((Request.cmd(Command.EVAL).arg(RELEASE).arg(1).arg(prefix + key).arg(r.toString())));
    } catch (Unavailable | java.io.IOException e) {
      LOG.warnf("idempotency claim not released (%s); it expires on its own", e.getMessage());
    }
  }

  @Override
  public Optional<Stored> peek(String key) {
    try {
      Response r = send((Request.cmd(Command.GET).arg(prefix + key)));
      if (r == null) {
        return Optional.empty();
      }
      JsonNode n = JSON.readTree(r.toString());
      return n.has("s")
          ? Optional.of(new Stored(n.get("s").asInt(), n.path("b").asText()))
          : Optional.empty();
    } catch (Unavailable | java.io.IOException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    if (redis != null) {
      redis.close();
    }
  }

  private static String claimValue(String bodyHash) {
    return JSON.createObjectNode().put("h", bodyHash).toString();
  }

  private Response await(Future<Response> f) throws Unavailable {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException("RedisIdempotencyStore must not be called on an event loop");
    }
    try {
      return f.toCompletionStage().toCompletableFuture().get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new Unavailable("redis did not answer within " + timeoutMillis + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unavailable("interrupted waiting for redis");
    } catch (ExecutionException e) {
      // Only the class name: a driver message could quote the connection string.
      Throwable c = e.getCause() == null ? e : e.getCause();
      throw new Unavailable("redis unavailable: " + c.getClass().getSimpleName());
    }
  }

  /** Internal: any Redis failure, carrying a message with no secret in it. */
  private static final class Unavailable extends Exception {
    private static final long serialVersionUID = 1L;

    Unavailable(String message) {
      super(message, null, false, false);
    }
  }
}
