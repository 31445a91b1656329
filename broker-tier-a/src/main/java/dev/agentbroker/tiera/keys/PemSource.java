package dev.agentbroker.tiera.keys;

/**
 * Where a PEM-encoded App key can be fetched from at run time (e.g. an OpenBao KV v2 secret).
 * Implementations return the PEM text and must never log it or put it into an exception message.
 */
public interface PemSource {
  /**
   * Reads the current PEM.
   *
   * @throws KeyUnavailableException when the source cannot be reached, refuses, or has no key
   */
  String read() throws KeyUnavailableException;

  /** Non-secret description, e.g. {@code vault-kv (secret/github-app#private_key)}. */
  String describe();
}
