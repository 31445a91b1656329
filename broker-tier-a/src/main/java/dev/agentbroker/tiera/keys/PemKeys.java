package dev.agentbroker.tiera.keys;

import java.io.IOException;
import java.io.StringReader;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Parses GitHub App private keys. GitHub hands out PKCS#1 (PEM type {@code RSA PRIVATE KEY}); keys
 * converted by openssl 3 are PKCS#8 (PEM type {@code PRIVATE KEY}). Both are accepted; anything
 * else is refused. Error messages never include key material.
 */
public final class PemKeys {
  private PemKeys() {}

  /** Parses one RSA private key from PEM text. */
  public static RSAPrivateCrtKey parseRsaPrivateKey(String pem) throws KeyUnavailableException {
    Object parsed;
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      parsed = parser.readObject();
    } catch (IOException | RuntimeException e) {
      throw new KeyUnavailableException("App private key is not valid PEM");
    }
    PrivateKey key;
    try {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (parsed instanceof PEMKeyPair pair) {
        key = converter.getKeyPair(pair).getPrivate();
      } else if (parsed instanceof PrivateKeyInfo info) {
        key = converter.getPrivateKey(info);
      } else {
        throw new KeyUnavailableException(
            "App private key PEM must be 'RSA PRIVATE KEY' (PKCS#1) or 'PRIVATE KEY' (PKCS#8)");
      }
    } catch (IOException e) {
      throw new KeyUnavailableException("App private key could not be decoded");
    }
    if (!(key instanceof RSAPrivateCrtKey rsa)) {
      throw new KeyUnavailableException("App private key must be RSA (GitHub signs with RS256)");
    }
    if (rsa.getModulus().bitLength() < 2048) {
      throw new KeyUnavailableException("App private key must be at least 2048 bits");
    }
    return rsa;
  }
}
