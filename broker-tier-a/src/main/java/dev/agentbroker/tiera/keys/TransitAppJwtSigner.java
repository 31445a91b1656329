package dev.agentbroker.tiera.keys;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Production key source: the JWS is assembled here and only its signing input is sent to a {@link
 * TransitSigner}. No private key object exists in this process on this path — the class holds no
 * key field and never touches {@link PemKeys} or {@code java.security.PrivateKey} (a test scans its
 * bytecode to keep it so).
 */
public final class TransitAppJwtSigner implements AppJwtSigner {
  /** RS256 over 2048..4096-bit keys: anything else is not a signature GitHub will accept. */
  private static final int MIN_SIGNATURE_BYTES = 256;

  private static final int MAX_SIGNATURE_BYTES = 512;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
  private static final String HEADER =
      B64URL.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

  private final TransitSigner transit;

  public TransitAppJwtSigner(TransitSigner transit) {
    this.transit = transit;
  }

  @Override
  public String sign(String issuer, Instant issuedAt, Instant expiresAt)
      throws KeyUnavailableException {
    ObjectNode claims = JSON.createObjectNode();
    claims.put("iat", issuedAt.getEpochSecond());
    claims.put("exp", expiresAt.getEpochSecond());
    claims.put("iss", issuer);
    String payload = B64URL.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
    String signingInput = HEADER + "." + payload;
    byte[] sig = transit.sign(signingInput.getBytes(StandardCharsets.US_ASCII));
    if (sig == null || sig.length < MIN_SIGNATURE_BYTES || sig.length > MAX_SIGNATURE_BYTES) {
      throw new KeyUnavailableException("transit signature has an implausible length for RS256");
    }
    return signingInput + "." + B64URL.encodeToString(sig);
  }

  @Override
  public String describe() {
    return transit.describe();
  }

  @Override
  public String toString() {
    return "TransitAppJwtSigner[" + transit.describe() + "]";
  }
}
