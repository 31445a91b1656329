package dev.agentbroker.broker.custody;

import dev.agentbroker.tiera.keys.KeyUnavailableException;
import dev.agentbroker.tiera.keys.PemSource;
import io.quarkus.vault.VaultKVSecretEngine;
import java.util.Map;

/** The App key PEM from a KV v2 secret field; returned to the signer, never stored or logged. */
final class VaultKvPemSource implements PemSource {
  private final VaultKVSecretEngine kv;
  private final String path;
  private final String field;
  private final String description;
  private final String baseUrl;

  VaultKvPemSource(VaultAccess access, String path, String field) {
    this.kv = access.kv();
    this.path = path;
    this.field = field;
    this.baseUrl = access.baseUrl();
    this.description = "vault-kv (" + access.kvMount() + "/" + path + "#" + field + ")";
  }

  @Override
  public String read() throws KeyUnavailableException {
    Map<String, String> secret;
    try {
      secret = kv.readSecret(path);
    } catch (RuntimeException e) {
      throw new KeyUnavailableException(
          "KV read of the App key failed: " + VaultFailures.describe(e, baseUrl));
    }
    String pem = secret == null ? null : secret.get(field);
    if (pem == null || pem.isBlank()) {
      throw new KeyUnavailableException("KV secret " + path + " has no field '" + field + "'");
    }
    return pem;
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public String toString() {
    return "VaultKvPemSource[" + description + "]";
  }
}
