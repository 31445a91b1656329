package dev.agentbroker.broker.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.agentbroker.broker.http.ProblemException;
import dev.agentbroker.testkit.TestKeys;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A key fetched from an {@code https:} JWKS is held to the same 2048-bit RSA minimum as a
 * configured PEM: the issuer serves a 1024-bit key and a token it signs is refused, while the same
 * issuer's 2048-bit key (the control, proving the fetch itself works) is accepted.
 */
class HttpsJwksKeySizeTest {
  static final String AUD = "agent-broker";
  static HttpsServer server;
  static KeyPair weak;
  static KeyPair strong;
  static final AtomicInteger fetches = new AtomicInteger();
  static CallerAuthenticator auth;
  static X509Certificate cert;

  @BeforeAll
  static void start() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(1024);
    weak = g.generateKeyPair();
    strong = TestKeys.rsa2048();
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 16);
    server.setHttpsConfigurator(new HttpsConfigurator(tls()));
    String certPem =
        "-----BEGIN CERTIFICATE-----\n"
            + Base64.getMimeEncoder().encodeToString(cert.getEncoded())
            + "\n-----END CERTIFICATE-----\n";
    server.createContext("/weak/jwks", ex -> serve(ex, ConfigJwks.of(weak.getPublic(), "weak-1")));
    server.createContext(
        "/strong/jwks", ex -> serve(ex, ConfigJwks.of(strong.getPublic(), "strong-1")));
    server.start();
    String base = "https://127.0.0.1:" + server.getAddress().getPort();
    Map<String, String> p = CallerAuthenticatorTest.base();
    CallerAuthenticatorTest.issuer(p, "weak", "https://weak.test", base + "/weak/jwks");
    CallerAuthenticatorTest.issuer(p, "strong", "https://strong.test", base + "/strong/jwks");
    // Trust the throwaway server certificate; everything else is the production parser.
    auth =
        new CallerAuthenticator(
            CallerAuthenticatorTest.jwt(p),
            java.time.Clock.systemUTC(),
            ctx -> ctx.setTlsCertificate(certPem));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private static void serve(com.sun.net.httpserver.HttpExchange ex, String body)
      throws java.io.IOException {
    fetches.incrementAndGet();
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(200, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  @Test
  void aSmallKeyFromAJwksIsRefusedAStrongOneAccepted() throws Exception {
    String ok = sign("https://strong.test", "strong-1", strong.getPrivate());
    assertEquals("agent", auth.authenticate("Bearer " + ok).caller().subject());
    String small = sign("https://weak.test", "weak-1", weak.getPrivate());
    ProblemException e =
        assertThrows(ProblemException.class, () -> auth.authenticate("Bearer " + small));
    assertEquals("invalid_token", e.reason());
    assertEquals(true, fetches.get() >= 2, "both keys were fetched over https");
  }

  /** RS256 by hand: JWT libraries (rightly) refuse to sign with a 1024-bit key. */
  static String sign(String iss, String kid, PrivateKey key) throws Exception {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    long now = Instant.now().truncatedTo(ChronoUnit.SECONDS).getEpochSecond();
    String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}";
    String claims =
        String.format(
            "{\"iss\":\"%s\",\"sub\":\"agent\",\"aud\":\"%s\",\"iat\":%d,\"exp\":%d}",
            iss, AUD, now, now + 300);
    String input =
        b64.encodeToString(header.getBytes(StandardCharsets.UTF_8))
            + "."
            + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
    Signature s = Signature.getInstance("SHA256withRSA");
    s.initSign(key);
    s.update(input.getBytes(StandardCharsets.US_ASCII));
    return input + "." + b64.encodeToString(s.sign());
  }

  private static SSLContext tls() throws Exception {
    KeyPair k = TestKeys.rsa2048();
    X500Name name = new X500Name("CN=127.0.0.1");
    Date from = Date.from(Instant.now().minusSeconds(300));
    Date to = Date.from(Instant.now().plusSeconds(3600));
    JcaX509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(name, BigInteger.TEN, from, to, name, k.getPublic());
    b.addExtension(
        Extension.subjectAlternativeName,
        false,
        new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
    cert =
        new JcaX509CertificateConverter()
            .getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withRSA").build(k.getPrivate())));
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("tls", k.getPrivate(), new char[0], new Certificate[] {cert});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }

  /** The JWKS document an issuer publishes for one key. */
  static final class ConfigJwks {
    static String of(java.security.PublicKey pub, String kid) {
      try {
        org.jose4j.jwk.JsonWebKey k = org.jose4j.jwk.JsonWebKey.Factory.newJwk(pub);
        k.setKeyId(kid);
        k.setAlgorithm("RS256");
        return new org.jose4j.jwk.JsonWebKeySet(k).toJson();
      } catch (org.jose4j.lang.JoseException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
