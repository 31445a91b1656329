package dev.agentbroker.egress.internal.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateAuthorityTest {
  private final CertificateAuthority ca =
      CertificateAuthority.generate("test", Duration.ofDays(30), Duration.ofHours(24));

  @Test
  void leavesAreShortLivedP256ForOneHostSignedByTheCa() throws Exception {
    X509Certificate leaf = ca.leaf("api.github.com");
    leaf.verify(ca.certificate().getPublicKey());
    ECPublicKey key = (ECPublicKey) leaf.getPublicKey();
    assertEquals(256, key.getParams().getCurve().getField().getFieldSize());
    assertEquals("SHA256withECDSA", leaf.getSigAlgName());
    assertEquals(
        List.of(List.of(2, "api.github.com")), List.copyOf(leaf.getSubjectAlternativeNames()));
    long validity = leaf.getNotAfter().getTime() - leaf.getNotBefore().getTime();
    assertTrue(validity <= Duration.ofHours(24).plusMinutes(5).toMillis(), "validity " + validity);
    assertEquals(-1, leaf.getBasicConstraints(), "not a CA");
    assertEquals(0, ca.certificate().getBasicConstraints(), "CA may sign leaves only");
    assertTrue(ca.certificate().getKeyUsage()[5], "keyCertSign");
  }

  @Test
  void leavesAreCachedPerHost() {
    assertSame(ca.serverContext("github.com"), ca.serverContext("github.com"));
    assertNotSame(ca.leaf("github.com"), ca.leaf("codeload.github.com"));
  }

  @Test
  void theCacheIsBounded() {
    for (int i = 0; i <= CertificateAuthority.MAX_LEAVES + 5; i++) {
      ca.serverContext("h" + i + ".githubusercontent.com");
    }
    assertTrue(ca.cachedLeaves() <= CertificateAuthority.MAX_LEAVES);
  }

  @Test
  void onlyTheCertificateIsExported() {
    String pem = ca.certificatePem();
    assertTrue(pem.startsWith("-----BEGIN CERTIFICATE-----"));
    assertFalse(pem.contains("PRIVATE"));
    assertEquals(1, pem.split("BEGIN").length - 1);
  }

  @Test
  void eachProxyStartHasItsOwnCa() {
    CertificateAuthority other =
        CertificateAuthority.generate("test", Duration.ofDays(30), Duration.ofHours(24));
    X509Certificate leaf = other.leaf("github.com");
    assertThrows(Exception.class, () -> leaf.verify(ca.certificate().getPublicKey()));
  }
}
