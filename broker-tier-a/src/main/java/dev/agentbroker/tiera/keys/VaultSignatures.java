package dev.agentbroker.tiera.keys;

import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Decodes the {@code vault:v<N>:<base64>} signatures that OpenBao/Vault Transit returns. */
public final class VaultSignatures {
  private static final Pattern FORMAT =
      Pattern.compile("vault:v([1-9][0-9]{0,8}):([A-Za-z0-9+/=]+)");

  private VaultSignatures() {}

  /** A decoded transit signature and the key version that made it. */
  public record Decoded(int keyVersion, byte[] signature) {}

  /** Parses one signature; a malformed answer is an unusable key, never a half-signed JWT. */
  public static Decoded decode(String vaultSignature) throws KeyUnavailableException {
    if (vaultSignature == null) {
      throw new KeyUnavailableException("transit returned no signature");
    }
    Matcher m = FORMAT.matcher(vaultSignature);
    if (!m.matches()) {
      throw new KeyUnavailableException("transit signature is not in vault:vN:BASE64 form");
    }
    try {
      return new Decoded(Integer.parseInt(m.group(1)), Base64.getDecoder().decode(m.group(2)));
    } catch (IllegalArgumentException e) {
      throw new KeyUnavailableException("transit signature is not valid base64");
    }
  }
}
