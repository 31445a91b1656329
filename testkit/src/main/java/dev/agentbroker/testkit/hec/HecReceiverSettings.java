package dev.agentbroker.testkit.hec;

import java.util.Objects;
import java.util.Set;

/**
 * How the receiver's HEC token is configured.
 *
 * @param token the only accepted HEC token
 * @param acks indexer acknowledgement on: a channel is required and 200 answers carry an ackId
 * @param indexes allowed indexes ({@code index} outside them is code 7); empty means any
 * @param maxContentLength larger request bodies (after gunzip) get 413, like Splunk's {@code
 *     max_content_length}
 */
public record HecReceiverSettings(
    String token, boolean acks, Set<String> indexes, int maxContentLength) {
  public static final int DEFAULT_MAX_CONTENT_LENGTH = 1_000_000;

  public HecReceiverSettings {
    Objects.requireNonNull(token, "token");
    indexes = Set.copyOf(indexes);
    if (maxContentLength <= 0) {
      throw new IllegalArgumentException("maxContentLength must be positive");
    }
  }

  /** Acks off, any index, 1 MB bodies. */
  public static HecReceiverSettings of(String token) {
    return new HecReceiverSettings(token, false, Set.of(), DEFAULT_MAX_CONTENT_LENGTH);
  }

  public HecReceiverSettings withAcks(boolean on) {
    return new HecReceiverSettings(token, on, indexes, maxContentLength);
  }

  public HecReceiverSettings withIndexes(Set<String> allowed) {
    return new HecReceiverSettings(token, acks, allowed, maxContentLength);
  }

  public HecReceiverSettings withMaxContentLength(int bytes) {
    return new HecReceiverSettings(token, acks, indexes, bytes);
  }
}
