package dev.agentbroker.tiera.keys;

/**
 * A remote signer that holds the RSA key and returns RS256 signatures: OpenBao/Vault Transit
 * ({@code transit/sign/<key>}, {@code pkcs1v15}, {@code sha2-256}). The private key never leaves
 * it; the broker only ever sees signing inputs and signatures.
 */
public interface TransitSigner {
  /**
   * Signs {@code signingInput} (hashed with SHA-256 by the signer) and returns the raw PKCS#1 v1.5
   * signature bytes.
   *
   * @throws KeyUnavailableException when the signer cannot be reached or refuses
   */
  byte[] sign(byte[] signingInput) throws KeyUnavailableException;

  /** Non-secret description, e.g. {@code vault-transit (transit/github-app)}. */
  String describe();
}
