package dev.agentbroker.broker.ratelimit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code broker.ratelimit.*}. Plain strings for the enumerations so that {@link RateLimitSettings}
 * can report every bad value at once, in the broker's own words.
 */
@ConfigMapping(prefix = "broker.ratelimit")
public interface RateLimitConfig {
  /** {@code memory} (one replica) or {@code redis} (shared by every replica). */
  @WithDefault("memory")
  String store();

  /** {@code redis://[user:password@]host:port[/db]} or {@code rediss://…}; required for redis. */
  Optional<String> redisUrl();

  /** Longest wait for one Redis answer (connect included) before failing closed. */
  @WithDefault("250ms")
  Duration redisTimeout();

  /** Prefix of every key, so several deployments can share one Redis. */
  @WithDefault("agent-broker:rl:")
  String redisKeyPrefix();

  /** Per-identity budget of {@code POST /token}, {@code N/second|minute|hour|day}. */
  @WithDefault("120/minute")
  String tokenRequests();

  /** All GitHub-calling actions of the broker together (mints and verbs). */
  @WithDefault("4000/hour")
  String globalGithubBudget();

  /** {@code fail-closed} or {@code allow-local}: what Tier A does when the store is unreachable. */
  @WithDefault("fail-closed")
  String tierAOnStoreFailure();
}
