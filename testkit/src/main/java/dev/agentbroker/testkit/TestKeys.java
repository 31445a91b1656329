package dev.agentbroker.testkit;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * Fresh key pairs and their PEM encodings.
 *
 * <p>GitHub hands App owners a PKCS#1 {@code BEGIN RSA PRIVATE KEY} file, while most Java tooling
 * prefers PKCS#8; the broker must accept both, so tests need both shapes of the same key.
 * BouncyCastle does the PKCS#1 re-encoding because the JDK has no writer for it.
 */
public final class TestKeys {

  private TestKeys() {}

  /** A new 2048-bit RSA key pair (the size GitHub issues for App keys). */
  public static KeyPair rsa2048() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA unavailable", e);
    }
  }

  /** A new EC key pair on P-256 (secp256r1), as used for ES256 caller tokens. */
  public static KeyPair ecP256() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("EC P-256 unavailable", e);
    }
  }

  /** PKCS#1 PEM ({@code -----BEGIN RSA PRIVATE KEY-----}), the format GitHub downloads. */
  public static String pkcs1Pem(PrivateKey rsaKey) {
    if (!"RSA".equals(rsaKey.getAlgorithm())) {
      throw new IllegalArgumentException("PKCS#1 is RSA-only, got " + rsaKey.getAlgorithm());
    }
    try {
      PrivateKeyInfo info = PrivateKeyInfo.getInstance(rsaKey.getEncoded());
      if (!PKCSObjectIdentifiers.rsaEncryption.equals(
          info.getPrivateKeyAlgorithm().getAlgorithm())) {
        throw new IllegalArgumentException("not an rsaEncryption key");
      }
      byte[] pkcs1 = info.parsePrivateKey().toASN1Primitive().getEncoded();
      return pem("RSA PRIVATE KEY", pkcs1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}) for any private key. */
  public static String pkcs8Pem(PrivateKey key) {
    return pem("PRIVATE KEY", key.getEncoded());
  }

  /** X.509 SubjectPublicKeyInfo PEM ({@code -----BEGIN PUBLIC KEY-----}). */
  public static String publicPem(PublicKey key) {
    return pem("PUBLIC KEY", key.getEncoded());
  }

  private static String pem(String type, byte[] der) {
    StringWriter out = new StringWriter();
    try (PemWriter w = new PemWriter(out)) {
      w.writeObject(new PemObject(type, der));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
