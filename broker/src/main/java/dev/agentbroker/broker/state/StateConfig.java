package dev.agentbroker.broker.state;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code broker.state.*}: where the state that must survive a move between replicas lives (leases,
 * break-glass grants, sign-in sessions). Redis reuses the rate limiter's connection ({@code
 * broker.ratelimit.redis-url}, {@code broker.ratelimit.redis-timeout}). See ADR 0020.
 */
@ConfigMapping(prefix = "broker.state")
public interface StateConfig {
  /** {@code memory} (one replica, the default) or {@code redis} (shared by every replica). */
  @WithDefault("memory")
  String store();

  /** Prefix of every state key in Redis, so several deployments can share one Redis. */
  @WithDefault("agent-broker:")
  String redisKeyPrefix();

  /**
   * File holding the base64 of a 32-byte AES key, readable by its owner only, the same on every
   * replica: secrets (lease tokens, sign-in verifiers, CSRF tokens) are sealed with it before they
   * reach Redis. Required with {@code redis}.
   */
  Optional<Path> sealKeyFile();
}
