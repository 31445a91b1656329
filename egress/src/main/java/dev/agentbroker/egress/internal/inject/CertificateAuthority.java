package dev.agentbroker.egress.internal.inject;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
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
 * The proxy's interception CA: ECDSA P-256, generated in memory at start, its private key never
 * written anywhere (only the certificate is exported, for the sandbox's trust store). Leaf
 * certificates (ECDSA P-256, one host name each, short validity) are issued on first use and cached
 * per host until less than a quarter of their validity is left.
 *
 * <p>Validity is measured against the real time, not an injected test clock: the TLS client checks
 * it against the real time.
 */
public final class CertificateAuthority {
  private static final String SIGNATURE = "SHA256withECDSA";

  /**
   * Leaves cached at most: a {@code *.suffix} host pattern admits any number of names, and a
   * sandbox must not grow the cache without bound. Beyond it the cache starts over.
   */
  static final int MAX_LEAVES = 1024;

  /** Tolerates a client whose clock runs a little behind ours. */
  private static final Duration BACKDATE = Duration.ofMinutes(5);

  private final KeyPair caKeys;
  private final X509Certificate caCert;
  private final Duration leafValidity;
  private final Clock realTime = Clock.systemUTC();
  private final ConcurrentMap<String, Leaf> leaves = new ConcurrentHashMap<>();

  /** An issued leaf with its server context. */
  private record Leaf(SslContext context, X509Certificate cert, KeyPair keys, Instant renewAfter) {}

  private CertificateAuthority(KeyPair caKeys, X509Certificate caCert, Duration leafValidity) {
    this.caKeys = caKeys;
    this.caCert = caCert;
    this.leafValidity = leafValidity;
  }

  /**
   * A fresh CA valid for {@code caValidity}, issuing leaves valid for {@code leafValidity}.
   *
   * @param name distinguishes deployments in the certificate's subject
   */
  public static CertificateAuthority generate(
      String name, Duration caValidity, Duration leafValidity) {
    try {
      KeyPair keys = ecP256();
      Instant now = Instant.now();
      X500Name subject = new X500Name("CN=" + name + ", O=agent-broker egress injection CA");
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              subject,
              serial(),
              Date.from(now.minus(BACKDATE)),
              Date.from(now.plus(caValidity)),
              subject,
              keys.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(
          Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
      return new CertificateAuthority(keys, sign(b, keys), leafValidity);
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot generate the injection CA", e);
    }
  }

  public X509Certificate certificate() {
    return caCert;
  }

  /** The CA certificate as PEM: the only part of the CA that leaves the proxy. */
  public String certificatePem() {
    return pem("CERTIFICATE", caCert);
  }

  /** The server context presenting a leaf for {@code host}, issued now or taken from the cache. */
  public SslContext serverContext(String host) {
    Instant now = realTime.instant();
    Leaf l = leaves.get(host);
    if (l == null || now.isAfter(l.renewAfter())) {
      l = issue(host, now);
      if (leaves.size() >= MAX_LEAVES) {
        leaves.clear();
      }
      leaves.put(host, l);
    }
    return l.context();
  }

  /** The current leaf certificate of {@code host} (issuing it if needed); for tests and checks. */
  public X509Certificate leaf(String host) {
    serverContext(host);
    return leaves.get(host).cert();
  }

  int cachedLeaves() {
    return leaves.size();
  }

  /** The key pair of {@code host}'s current leaf: for test servers that stand in for upstreams. */
  KeyPair leafKeys(String host) {
    serverContext(host);
    return leaves.get(host).keys();
  }

  private Leaf issue(String host, Instant now) {
    try {
      KeyPair keys = ecP256();
      Instant until = now.plus(leafValidity);
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              caCert,
              serial(),
              Date.from(now.minus(BACKDATE)),
              Date.from(until),
              new X500Name("CN=" + host),
              keys.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(new GeneralName(GeneralName.dNSName, host)));
      b.addExtension(
          Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
      X509Certificate leaf = sign(b, caKeys);
      SslContext ctx =
          SslContextBuilder.forServer(keys.getPrivate(), leaf, caCert)
              .protocols("TLSv1.3", "TLSv1.2")
              .build();
      return new Leaf(ctx, leaf, keys, now.plus(leafValidity.multipliedBy(3).dividedBy(4)));
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot issue a leaf certificate", e);
    }
  }

  private static KeyPair ecP256() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair issuer)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter()
        .getCertificate(b.build(new JcaContentSignerBuilder(SIGNATURE).build(issuer.getPrivate())));
  }

  private static BigInteger serial() {
    return new BigInteger(64, new SecureRandom()).add(BigInteger.ONE);
  }

  static String pem(String type, X509Certificate cert) {
    try {
      StringWriter w = new StringWriter();
      try (PemWriter p = new PemWriter(w)) {
        p.writeObject(new PemObject(type, cert.getEncoded()));
      }
      return w.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
