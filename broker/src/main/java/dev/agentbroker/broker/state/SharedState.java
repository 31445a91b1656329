package dev.agentbroker.broker.state;

import dev.agentbroker.broker.ratelimit.RateLimits;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;

/**
 * The configured state store: {@link #settings}, and with {@code broker.state.store=redis} the one
 * {@link SharedRedis} client and the {@link Sealer}. Configuration problems are reported by the
 * start-up check before this bean is built; here they can only be a programming error.
 */
@ApplicationScoped
public class SharedState {
  @Inject StateConfig config;
  @Inject RateLimits rateLimits;
  @Inject Vertx vertx;

  private StateSettings settings;
  private SharedRedis redis;
  private Sealer sealer;

  /** Parsed settings (the start-up check has already refused bad ones). */
  public synchronized StateSettings settings() {
    if (settings == null) {
      List<String> problems = new ArrayList<>();
      settings = StateSettings.of(config, rateLimits.settings(), problems);
      if (!problems.isEmpty()) {
        throw new IllegalStateException("state configuration invalid: " + problems);
      }
    }
    return settings;
  }

  public boolean shared() {
    return settings().store() == StateSettings.Store.REDIS;
  }

  /** The shared client; only with {@code broker.state.store=redis}. */
  public synchronized SharedRedis redis() {
    if (!shared()) {
      throw new IllegalStateException("broker.state.store is memory: no shared Redis");
    }
    if (redis == null) {
      var rl = rateLimits.settings();
      redis = new SharedRedis(vertx, rl.redisUrl().orElseThrow(), rl.redisTimeout());
    }
    return redis;
  }

  /** The sealer of secrets bound for Redis; only with {@code broker.state.store=redis}. */
  public synchronized Sealer sealer() {
    if (sealer == null) {
      sealer = new Sealer(settings().sealKey().orElseThrow());
    }
    return sealer;
  }

  /** The key prefix of every state record ({@code broker.state.redis-key-prefix}). */
  public String prefix() {
    return settings().keyPrefix();
  }

  @PreDestroy
  synchronized void close() {
    if (redis != null) {
      redis.close();
    }
  }
}
