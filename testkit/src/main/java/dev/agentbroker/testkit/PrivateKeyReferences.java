package dev.agentbroker.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Checks that a class on the OpenBao Transit path cannot create a private key. Heap inspection is
 * not portable, so the class file is read instead: none of the names below may even be referenced
 * by it.
 */
public final class PrivateKeyReferences {
  static final List<String> FORBIDDEN =
      List.of(
          "java/security/PrivateKey",
          "java/security/interfaces/RSAPrivate",
          "java/security/KeyFactory",
          "java/security/KeyPair",
          "PemKeys",
          "PEMParser",
          "FileAppJwtSigner",
          "PemSourceAppJwtSigner");

  private PrivateKeyReferences() {}

  /**
   * The forbidden names that {@code c}'s class file references; empty when there are none.
   *
   * @throws IOException if the class file cannot be read (it must be non-empty)
   */
  public static List<String> in(Class<?> c) throws IOException {
    String name = "/" + c.getName().replace('.', '/') + ".class";
    String bytes;
    try (InputStream in = c.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("no class file for " + c.getName());
      }
      bytes = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
    if (bytes.isEmpty()) {
      throw new IOException("empty class file for " + c.getName());
    }
    return FORBIDDEN.stream().filter(bytes::contains).toList();
  }
}
