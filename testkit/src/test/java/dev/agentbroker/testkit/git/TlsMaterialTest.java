package dev.agentbroker.testkit.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TlsMaterialTest {

  @Test
  void caSignsALocalhostLeaf() throws Exception {
    TlsMaterial tls = TlsMaterial.generate();
    X509Certificate ca = tls.ca;
    X509Certificate leaf = tls.leaf;

    assertEquals("EC", ca.getPublicKey().getAlgorithm());
    assertEquals("SHA256withECDSA", leaf.getSigAlgName());
    assertTrue(ca.getBasicConstraints() >= 0, "CA:true");
    assertTrue(ca.getKeyUsage()[5], "keyCertSign");
    ca.verify(ca.getPublicKey());
    leaf.verify(ca.getPublicKey());
    assertEquals(-1, leaf.getBasicConstraints(), "leaf is not a CA");
    assertEquals(List.of("1.3.6.1.5.5.7.3.1"), leaf.getExtendedKeyUsage());

    Set<String> sans =
        leaf.getSubjectAlternativeNames().stream()
            .map(l -> l.get(0) + ":" + l.get(1))
            .collect(Collectors.toSet());
    assertEquals(Set.of("2:localhost", "7:127.0.0.1"), sans);

    long days =
        Duration.between(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant()).toDays();
    assertTrue(days <= 2, "short-lived: " + days + " days");
  }

  @Test
  void pemRoundTrips() throws Exception {
    TlsMaterial tls = TlsMaterial.generate();
    String pem = tls.caPem();
    assertTrue(pem.startsWith("-----BEGIN CERTIFICATE-----"), pem);
    X509Certificate parsed =
        (X509Certificate)
            CertificateFactory.getInstance("X.509")
                .generateCertificate(
                    new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    assertEquals(tls.ca, parsed);
  }
}
