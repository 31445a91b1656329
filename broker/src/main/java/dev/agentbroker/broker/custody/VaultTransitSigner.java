package dev.agentbroker.broker.custody;

import dev.agentbroker.tiera.keys.KeyUnavailableException;
import dev.agentbroker.tiera.keys.TransitSigner;
import dev.agentbroker.tiera.keys.VaultSignatures;
import io.quarkus.vault.VaultTransitSecretEngine;
import io.quarkus.vault.transit.SignVerifyOptions;
import io.quarkus.vault.transit.SigningInput;
import io.quarkus.vault.transit.VaultTransitKeyDetail;
import java.util.Optional;

/**
 * {@code transit/sign/<key>} with {@code pkcs1v15} over {@code sha2-256}, not prehashed (the JWS
 * signing input is ~150 bytes, so hashing it locally would save nothing). The options are always
 * sent explicitly: OpenBao's default for RSA is PSS, which GitHub's RS256 check would reject.
 */
final class VaultTransitSigner implements TransitSigner {
  private static final SignVerifyOptions RS256 =
      new SignVerifyOptions()
          .setSignatureAlgorithm("pkcs1v15")
          .setHashAlgorithm("sha2-256")
          .setPrehashed(false);

  private final VaultTransitSecretEngine transit;
  private final String key;
  private final String description;
  private final String baseUrl;

  VaultTransitSigner(VaultAccess access, String key) {
    this.transit = access.transit();
    this.key = key;
    this.baseUrl = access.baseUrl();
    this.description = "vault-transit (" + access.transitMount() + "/keys/" + key + ")";
  }

  @Override
  public byte[] sign(byte[] signingInput) throws KeyUnavailableException {
    String sig;
    try {
      sig = transit.sign(key, new SigningInput(signingInput), RS256, null);
    } catch (RuntimeException e) {
      throw new KeyUnavailableException(
          "transit sign failed: " + VaultFailures.describe(e, baseUrl));
    }
    return VaultSignatures.decode(sig).signature();
  }

  /** {@code GET transit/keys/<key>}: the cheap availability check; returns the latest version. */
  int latestVersion() throws KeyUnavailableException {
    Optional<VaultTransitKeyDetail<?>> d;
    try {
      d = transit.readKey(key);
    } catch (RuntimeException e) {
      throw new KeyUnavailableException(
          "transit key read failed: " + VaultFailures.describe(e, baseUrl));
    }
    if (d.isEmpty()) {
      throw new KeyUnavailableException("transit key not found: " + key);
    }
    if (!d.get().isSupportsSigning() || !String.valueOf(d.get().getType()).startsWith("rsa-")) {
      throw new KeyUnavailableException(
          "transit key " + key + " is not an RSA signing key (" + d.get().getType() + ")");
    }
    return d.get().getLatestVersion();
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public String toString() {
    return "VaultTransitSigner[" + description + "]";
  }
}
