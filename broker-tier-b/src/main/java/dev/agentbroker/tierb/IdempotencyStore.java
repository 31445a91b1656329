package dev.agentbroker.tierb;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Remembers the answer to a verb call under its {@code Idempotency-Key} so a retried call returns
 * the first answer instead of acting twice. The same key with a different body is a conflict, and a
 * key whose first call is still running is busy.
 *
 * <p>Keys are scoped to the caller ({@link #scopedKey}: issuer, subject, verb and the client's
 * key): the same key sent by another caller is a different record, never a replay of someone else's
 * answer. Records expire after a TTL ({@code broker.verbs.idempotency-ttl}). Implementations: in
 * memory (one replica) and Redis (shared by replicas, an atomic {@code SET NX PX} claim).
 */
public interface IdempotencyStore {
  /** A stored answer: HTTP status and JSON body. */
  record Stored(int status, String body) {}

  /** What a new call with a key finds. */
  sealed interface Claim
      permits Claim.Fresh, Claim.Replay, Claim.Conflict, Claim.Busy, Claim.Unavailable {
    /** The key is now this call's: run the verb, then {@link #complete} or {@link #release}. */
    record Fresh() implements Claim {}

    record Replay(Stored stored) implements Claim {}

    record Conflict() implements Claim {}

    record Busy() implements Claim {}

    /** The shared store did not answer: the call is refused (fail closed), nothing runs. */
    record Unavailable(String why) implements Claim {}
  }

  /**
   * Claims {@code key} (from {@link #scopedKey}) for a call whose body hashes to {@code bodyHash}.
   */
  Claim claim(String key, String bodyHash);

  /** Records the final answer of a claimed key. */
  void complete(String key, Stored stored);

  /** Releases a claim whose call ended before acting (e.g. refused), so a retry may run. */
  void release(String key);

  Optional<Stored> peek(String key);

  /**
   * The record key of one caller's {@code Idempotency-Key} for one verb: SHA-256 over the
   * length-prefixed parts, so no choice of issuer, subject or key can collide with another caller's
   * ({@code "a|b","c"} and {@code "a","b|c"} stay apart).
   */
  static String scopedKey(String issuer, String subject, String verb, String clientKey) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      for (String part : new String[] {issuer, subject, verb, clientKey}) {
        byte[] b = part.getBytes(StandardCharsets.UTF_8);
        d.update((b.length + ":").getBytes(StandardCharsets.US_ASCII));
        d.update(b);
      }
      return HexFormat.of().formatHex(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
