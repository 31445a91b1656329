package dev.agentbroker.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.junit.jupiter.api.Test;

class TestKeysTest {

  private static final KeyPair RSA = TestKeys.rsa2048();

  @Test
  void keyShapes() {
    assertEquals(2048, ((RSAPublicKey) RSA.getPublic()).getModulus().bitLength());
    KeyPair ec = TestKeys.ecP256();
    assertEquals(
        256, ((ECPublicKey) ec.getPublic()).getParams().getCurve().getField().getFieldSize());
  }

  @Test
  void pkcs1RoundTripsThroughBouncyCastle() throws Exception {
    String pem = TestKeys.pkcs1Pem(RSA.getPrivate());
    assertTrue(pem.startsWith("-----BEGIN RSA PRIVATE KEY-----"), pem);
    assertTrue(pem.strip().endsWith("-----END RSA PRIVATE KEY-----"));
    try (PEMParser p = new PEMParser(new StringReader(pem))) {
      Object o = p.readObject();
      assertInstanceOf(PEMKeyPair.class, o);
      KeyPair kp = new JcaPEMKeyConverter().getKeyPair((PEMKeyPair) o);
      assertArrayEquals(RSA.getPrivate().getEncoded(), kp.getPrivate().getEncoded());
      assertArrayEquals(RSA.getPublic().getEncoded(), kp.getPublic().getEncoded());
    }
  }

  @Test
  void pkcs8RoundTripsThroughTheJdk() throws Exception {
    String pem = TestKeys.pkcs8Pem(RSA.getPrivate());
    assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----"), pem);
    RSAPrivateKey k =
        (RSAPrivateKey)
            KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der(pem)));
    assertArrayEquals(RSA.getPrivate().getEncoded(), k.getEncoded());
    KeyPair ec = TestKeys.ecP256();
    try (PEMParser p = new PEMParser(new StringReader(TestKeys.pkcs8Pem(ec.getPrivate())))) {
      PrivateKeyInfo info = (PrivateKeyInfo) p.readObject();
      assertArrayEquals(ec.getPrivate().getEncoded(), info.getEncoded());
    }
  }

  @Test
  void publicPemRoundTrips() throws Exception {
    String pem = TestKeys.publicPem(RSA.getPublic());
    assertTrue(pem.startsWith("-----BEGIN PUBLIC KEY-----"), pem);
    var k = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der(pem)));
    assertEquals(RSA.getPublic(), k);
  }

  @Test
  void pkcs1RejectsNonRsa() {
    assertThrows(
        IllegalArgumentException.class, () -> TestKeys.pkcs1Pem(TestKeys.ecP256().getPrivate()));
  }

  private static byte[] der(String pem) {
    String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return Base64.getDecoder().decode(b64);
  }
}
