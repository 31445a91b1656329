package dev.agentbroker.broker.config;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;

/**
 * Start-up checks of one issuer's {@code public-key-location}: only {@code https:}, {@code file:},
 * {@code classpath:} or a plain path (a JWKS over {@code http:} can be swapped on the way), and a
 * local PEM or JWKS must hold keys the verifier will use — RSA at least 2048 bits. Keys fetched
 * from an {@code https:} JWKS are held to the same size when each token is verified (jose4j's
 * minimum, which {@code CallerAuthenticator} never relaxes).
 */
final class IssuerKeyCheck {
  static final int MIN_RSA_BITS = 2048;
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:.*");

  private IssuerKeyCheck() {}

  static void problems(IssuerPresets.Resolved i, List<String> out) {
    String location = i.publicKeyLocation();
    if (location.isEmpty()) {
      return; // already reported as missing
    }
    String p = "broker.jwt.issuers." + i.name() + ".public-key-location";
    String where = p + " (" + ConfigProblems.env(p) + ")";
    String lower = location.toLowerCase(Locale.ROOT);
    if (lower.startsWith("https:")) {
      return;
    }
    if (lower.startsWith("http:")) {
      out.add(where + " must not be an http: URL; use https:, a file or classpath:");
      return;
    }
    if (SCHEME.matcher(location).matches()
        && !lower.startsWith("file:")
        && !lower.startsWith("classpath:")) {
      out.add(where + ": only https:, file:, classpath: or a file path are accepted");
      return;
    }
    String text;
    try {
      text = read(location);
    } catch (IOException | RuntimeException e) {
      out.add(where + " is not readable: " + location);
      return;
    }
    List<Integer> rsaBits;
    try {
      rsaBits = rsaKeySizes(text);
    } catch (Exception e) {
      out.add(where + " holds no PEM public key, certificate or JWKS the broker can read");
      return;
    }
    for (int bits : rsaBits) {
      if (bits < MIN_RSA_BITS) {
        out.add(where + ": an RSA key of " + bits + " bits; at least " + MIN_RSA_BITS + " needed");
      }
    }
  }

  private static String read(String location) throws IOException {
    if (location.regionMatches(true, 0, "classpath:", 0, 10)) {
      String name = location.substring(10).replaceFirst("^/", "");
      ClassLoader cl = Thread.currentThread().getContextClassLoader();
      try (InputStream in = cl == null ? null : cl.getResourceAsStream(name)) {
        if (in == null) {
          throw new IOException("not on the classpath");
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }
    Path path =
        location.regionMatches(true, 0, "file:", 0, 5)
            ? Path.of(URI.create(location))
            : Path.of(location);
    return Files.readString(path, StandardCharsets.UTF_8);
  }

  /** Bit sizes of the RSA keys in a PEM (public key or certificate) or a JWKS / single JWK. */
  static List<Integer> rsaKeySizes(String text) throws Exception {
    String t = text.strip();
    List<Integer> out = new ArrayList<>();
    if (t.startsWith("{")) {
      List<JsonWebKey> keys =
          t.contains("\"keys\"")
              ? new JsonWebKeySet(t).getJsonWebKeys()
              : List.of(JsonWebKey.Factory.newJwk(t));
      if (keys.isEmpty()) {
        throw new IllegalArgumentException("empty JWKS");
      }
      for (JsonWebKey k : keys) {
        if (k instanceof RsaJsonWebKey r) {
          out.add(bits(r.getRsaPublicKey().getModulus()));
        }
      }
      return out;
    }
    PublicKey key;
    if (t.contains("BEGIN CERTIFICATE")) {
      key =
          CertificateFactory.getInstance("X.509")
              .generateCertificate(
                  new java.io.ByteArrayInputStream(t.getBytes(StandardCharsets.US_ASCII)))
              .getPublicKey();
    } else {
      byte[] der =
          Base64.getMimeDecoder()
              .decode(t.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
      key = spki(der);
    }
    if (key instanceof RSAPublicKey r) {
      out.add(bits(r.getModulus()));
    }
    return out;
  }

  private static PublicKey spki(byte[] der) throws Exception {
    try {
      return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
    } catch (java.security.spec.InvalidKeySpecException e) {
      return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
    }
  }

  private static int bits(BigInteger modulus) {
    return modulus.bitLength();
  }
}
