package dev.agentbroker.testkit.git;

import dev.agentbroker.testkit.TestKeys;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * A throwaway CA and a {@code localhost} server certificate it signed, both ECDSA P-256.
 *
 * <p>A separate CA (rather than one self-signed leaf) is what clients are really configured with:
 * git's {@code GIT_SSL_CAINFO}, curl's {@code --cacert} or a sandbox's trust store take a CA, and
 * TLS stacks such as GnuTLS refuse a leaf that is not marked as a CA as a trust anchor. Validity is
 * measured against the real system time, not a test's MutableClock, because the TLS client checks
 * it against the real time.
 */
final class TlsMaterial {
  /** Long enough for a demo session, short enough that a leaked CA file is soon worthless. */
  static final Duration VALIDITY = Duration.ofDays(1);

  /** Tolerates a client whose clock runs a little behind ours. */
  private static final Duration BACKDATE = Duration.ofMinutes(5);

  private static final String SIGNATURE = "SHA256withECDSA";

  final X509Certificate ca;
  final X509Certificate leaf;
  final SSLContext sslContext;

  private TlsMaterial(X509Certificate ca, X509Certificate leaf, SSLContext sslContext) {
    this.ca = ca;
    this.leaf = leaf;
    this.sslContext = sslContext;
  }

  /** Generates fresh keys and certificates; nothing is written to disk. */
  static TlsMaterial generate() {
    return generate(java.util.List.of());
  }

  /**
   * As {@link #generate()}, the leaf also naming {@code extraDnsNames} (e.g. {@code github.com}).
   */
  static TlsMaterial generate(java.util.List<String> extraDnsNames) {
    try {
      Instant now = Instant.now();
      Date from = Date.from(now.minus(BACKDATE));
      Date to = Date.from(now.plus(VALIDITY));
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();

      KeyPair caKeys = TestKeys.ecP256();
      X500Name caName = new X500Name("CN=agent-broker testkit git host CA");
      X509v3CertificateBuilder caBuilder =
          new JcaX509v3CertificateBuilder(caName, serial(), from, to, caName, caKeys.getPublic());
      caBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      caBuilder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      caBuilder.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          ext.createSubjectKeyIdentifier(caKeys.getPublic()));
      X509Certificate ca = sign(caBuilder, caKeys);

      KeyPair leafKeys = TestKeys.ecP256();
      X509v3CertificateBuilder leafBuilder =
          new JcaX509v3CertificateBuilder(
              ca, serial(), from, to, new X500Name("CN=localhost"), leafKeys.getPublic());
      leafBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      leafBuilder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      leafBuilder.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      leafBuilder.addExtension(
          Extension.subjectAlternativeName, false, new GeneralNames(sans(extraDnsNames)));
      leafBuilder.addExtension(
          Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
      leafBuilder.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          ext.createSubjectKeyIdentifier(leafKeys.getPublic()));
      X509Certificate leaf = sign(leafBuilder, caKeys);

      char[] password = new char[0];
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("leaf", leafKeys.getPrivate(), password, new Certificate[] {leaf, ca});
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, password);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, new SecureRandom());
      return new TlsMaterial(ca, leaf, ctx);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot generate TLS material", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(new JcaContentSignerBuilder(SIGNATURE).build(issuer.getPrivate())));
  }

  private static GeneralName[] sans(java.util.List<String> extra) {
    java.util.List<GeneralName> names = new java.util.ArrayList<>();
    names.add(new GeneralName(GeneralName.dNSName, "localhost"));
    names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
    extra.forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
    return names.toArray(new GeneralName[0]);
  }

  /** Positive random serials, so two runs never present the same issuer/serial pair. */
  private static BigInteger serial() {
    return new BigInteger(64, new SecureRandom()).add(BigInteger.ONE);
  }

  /** {@code -----BEGIN CERTIFICATE-----} text of the CA certificate. */
  String caPem() {
    try {
      StringWriter out = new StringWriter();
      try (PemWriter w = new PemWriter(out)) {
        w.writeObject(new PemObject("CERTIFICATE", ca.getEncoded()));
      }
      return out.toString();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
