package dev.agentbroker.broker.state;

import static dev.agentbroker.broker.config.ConfigNames.named;

import dev.agentbroker.broker.ratelimit.RateLimitSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@link StateConfig} checked and parsed. {@link #of} adds every problem to a list, naming property
 * and environment variable, like the broker's other start-up checks; it never prints the key.
 *
 * @param sealKey the 32-byte sealing key; present exactly when {@code store} is {@code REDIS}
 */
public record StateSettings(Store store, String keyPrefix, Optional<byte[]> sealKey) {

  /** Where shared state lives. */
  public enum Store {
    MEMORY,
    REDIS
  }

  static final String STORE = "broker.state.store";
  static final String KEY_FILE = "broker.state.seal-key-file";

  /** Parses {@code c}; every problem goes to {@code problems}. Meaningless when one was added. */
  public static StateSettings of(
      StateConfig c, RateLimitSettings rateLimits, List<String> problems) {
    Store store;
    switch (c.store().strip().toLowerCase(Locale.ROOT)) {
      case "memory" -> store = Store.MEMORY;
      case "redis" -> store = Store.REDIS;
      default -> {
        problems.add(named(STORE) + " must be memory or redis");
        return new StateSettings(Store.MEMORY, c.redisKeyPrefix(), Optional.empty());
      }
    }
    if (c.redisKeyPrefix().isBlank()
        || c.redisKeyPrefix().chars().anyMatch(Character::isWhitespace)) {
      problems.add(named("broker.state.redis-key-prefix") + " must be non-empty, without spaces");
    }
    if (store == Store.MEMORY) {
      return new StateSettings(store, c.redisKeyPrefix(), Optional.empty());
    }
    if (rateLimits.store() != RateLimitSettings.Store.REDIS) {
      // Replicas with their own memory budgets would each grant the full budget: refuse rather
      // than multiply every rate limit by the number of replicas.
      problems.add(
          named(STORE)
              + "=redis needs "
              + named("broker.ratelimit.store")
              + "=redis (the same Redis): replicas would otherwise each keep their own budgets");
    }
    Optional<byte[]> key = readKey(c.sealKeyFile(), problems);
    return new StateSettings(store, c.redisKeyPrefix(), key);
  }

  private static Optional<byte[]> readKey(Optional<Path> file, List<String> problems) {
    if (file.isEmpty()) {
      problems.add(
          named(KEY_FILE)
              + " is required with "
              + named(STORE)
              + "=redis (tokens are sealed before they reach Redis)");
      return Optional.empty();
    }
    Path p = file.get();
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
      if (perms.stream().anyMatch(StateSettings::groupOrOther)) {
        problems.add(
            named(KEY_FILE) + ": " + p + " must be readable by its owner only (chmod 600)");
        return Optional.empty();
      }
    } catch (UnsupportedOperationException e) {
      // Non-POSIX file system: the directory's permissions have to do.
    } catch (IOException e) {
      problems.add(
          named(KEY_FILE) + ": " + p + " cannot be read (" + e.getClass().getSimpleName() + ")");
      return Optional.empty();
    }
    try {
      String text = Files.readString(p, StandardCharsets.US_ASCII).strip();
      byte[] key = Base64.getDecoder().decode(text);
      if (key.length != 32) {
        problems.add(named(KEY_FILE) + ": " + p + " must hold the base64 of exactly 32 bytes");
        return Optional.empty();
      }
      return Optional.of(key);
    } catch (IOException | IllegalArgumentException e) {
      // Never the content: it is (meant to be) a key.
      problems.add(named(KEY_FILE) + ": " + p + " must hold the base64 of exactly 32 bytes");
      return Optional.empty();
    }
  }

  private static boolean groupOrOther(PosixFilePermission x) {
    return !x.name().startsWith("OWNER_");
  }

  @Override
  public String toString() {
    return "StateSettings[" + store + ", prefix=" + keyPrefix + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StateSettings s && s.store == store && s.keyPrefix.equals(keyPrefix);
  }

  @Override
  public int hashCode() {
    return store.hashCode() * 31 + keyPrefix.hashCode();
  }
}
