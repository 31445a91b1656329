package dev.agentbroker.broker.custody;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A heap-free proof that a code path cannot create a private key: its class files do not even
 * reference a private-key type, a key factory or the PEM parser (class names are in the constant
 * pool as UTF-8, so a byte search finds every reference).
 */
final class NoPrivateKeyBytecode {
  private NoPrivateKeyBytecode() {}

  static void assertNone(Class<?> c) throws IOException {
    String bytes;
    try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
      bytes = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
    for (String forbidden :
        List.of(
            "java/security/PrivateKey",
            "java/security/interfaces/RSAPrivate",
            "java/security/KeyFactory",
            "java/security/KeyPair",
            "PemKeys",
            "PEMParser",
            "FileAppJwtSigner",
            "PemSourceAppJwtSigner")) {
      assertFalse(bytes.contains(forbidden), c.getSimpleName() + " references " + forbidden);
    }
  }
}
