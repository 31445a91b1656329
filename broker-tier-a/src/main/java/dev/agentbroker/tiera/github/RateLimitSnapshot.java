package dev.agentbroker.tiera.github;

import java.time.Instant;

/** The last {@code x-ratelimit-*} values GitHub sent; {@code remaining} is -1 before any call. */
public record RateLimitSnapshot(long limit, long remaining, Instant reset, String resource) {
  public static final RateLimitSnapshot UNKNOWN = new RateLimitSnapshot(-1, -1, Instant.EPOCH, "");
}
