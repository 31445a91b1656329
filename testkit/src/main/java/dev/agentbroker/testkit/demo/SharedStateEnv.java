package dev.agentbroker.testkit.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The broker settings of several replicas sharing one Redis (ADR 0020): rate limits and state in
 * Redis, and the state sealing key every replica must share.
 */
public final class SharedStateEnv {
  private SharedStateEnv() {}

  /** Environment for a replica on {@code redisUrl} with the sealing key in {@code sealKeyFile}. */
  public static Map<String, String> of(String redisUrl, Path sealKeyFile) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("BROKER_RATELIMIT_STORE", "redis");
    env.put("BROKER_RATELIMIT_REDIS_URL", redisUrl);
    env.put("BROKER_STATE_STORE", "redis");
    env.put("BROKER_STATE_SEAL_KEY_FILE", sealKeyFile.toString());
    return env;
  }

  /** A fresh random 32-byte key, base64, in {@code dir/state-seal-key}, mode 600 from creation. */
  public static Path writeSealKey(Path dir) throws IOException {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Path file = dir.resolve("state-seal-key");
    Files.deleteIfExists(file);
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, Base64.getEncoder().encodeToString(key) + "\n");
    return file;
  }
}
