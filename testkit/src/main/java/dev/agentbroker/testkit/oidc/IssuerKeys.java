package dev.agentbroker.testkit.oidc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentbroker.testkit.TestKeys;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The issuer's RSA-2048 signing keys. The newest signs; every key still held is published, which is
 * how an issuer rotates without breaking tokens already handed out. Public so the SSO simulator
 * ({@code dev.agentbroker.testkit.sso.OidcProvider}) publishes its single key the same way.
 */
public final class IssuerKeys {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  /** A key and its {@code kid} (the RFC 7638 thumbprint, stable for the key). */
  public record SigningKey(String kid, KeyPair pair) {}

  private final List<SigningKey> keys = new CopyOnWriteArrayList<>();

  public IssuerKeys() {
    rotate();
  }

  synchronized String rotate() {
    KeyPair pair = TestKeys.rsa2048();
    SigningKey k = new SigningKey(thumbprint((RSAPublicKey) pair.getPublic()), pair);
    keys.add(k);
    return k.kid();
  }

  public SigningKey current() {
    return keys.get(keys.size() - 1);
  }

  synchronized void remove(String kid) {
    if (current().kid().equals(kid)) {
      throw new IllegalArgumentException("cannot remove the current signing key; rotate first");
    }
    if (!keys.removeIf(k -> k.kid().equals(kid))) {
      throw new IllegalArgumentException("no key " + kid);
    }
  }

  /** {@code {"keys":[...]}}, oldest first, public parts only. */
  public byte[] jwks() {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode arr = root.putArray("keys");
    for (SigningKey k : keys) {
      RSAPublicKey pub = (RSAPublicKey) k.pair().getPublic();
      ObjectNode n = arr.addObject();
      n.put("kty", "RSA");
      n.put("alg", "RS256");
      n.put("use", "sig");
      n.put("kid", k.kid());
      n.put("n", b64(pub.getModulus()));
      n.put("e", b64(pub.getPublicExponent()));
    }
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Unsigned big-endian, as JWK wants: drop the sign byte BigInteger adds. */
  static String b64(BigInteger v) {
    byte[] b = v.toByteArray();
    if (b.length > 1 && b[0] == 0) {
      b = Arrays.copyOfRange(b, 1, b.length);
    }
    return B64URL.encodeToString(b);
  }

  private static String thumbprint(RSAPublicKey pub) {
    String canonical =
        "{\"e\":\""
            + b64(pub.getPublicExponent())
            + "\",\"kty\":\"RSA\",\"n\":\""
            + b64(pub.getModulus())
            + "\"}";
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return B64URL.encodeToString(sha256.digest(canonical.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
