package dev.agentbroker.testkit.openbao;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Transit keys of type {@code rsa-2048}, each with versions; signs for real. Only what the broker
 * asks for is implemented ({@code pkcs1v15} with {@code sha2-256}, prehashed or not); any other
 * algorithm is refused with 400 so a wrong request shape shows up as a failing test.
 */
final class BaoTransit {
  /** DER prefix of a SHA-256 DigestInfo (RFC 8017 §9.2), for prehashed input. */
  private static final byte[] SHA256_DIGEST_INFO =
      HexFormat.of().parseHex("3031300d060960864801650304020105000420");

  private record Version(KeyPair pair, Instant created) {}

  private final Clock clock;
  private final Map<String, List<Version>> keys = new ConcurrentHashMap<>();
  private final Map<String, Boolean> imported = new ConcurrentHashMap<>();

  BaoTransit(Clock clock) {
    this.clock = clock;
  }

  /** Adds {@code pair} as the next version of {@code name} (creates the key; BYOK import). */
  synchronized int importVersion(String name, KeyPair pair) {
    List<Version> v = keys.computeIfAbsent(name, k -> new ArrayList<>());
    v.add(new Version(pair, clock.instant()));
    imported.put(name, true);
    return v.size();
  }

  /** {@code transit/keys/<name>/rotate}: a fresh generated version becomes the latest. */
  synchronized int rotate(String name) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      List<Version> v = keys.computeIfAbsent(name, k -> new ArrayList<>());
      v.add(new Version(g.generateKeyPair(), clock.instant()));
      imported.putIfAbsent(name, false);
      return v.size();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  synchronized PublicKey publicKey(String name, int version) {
    return keys.get(name).get(version - 1).pair().getPublic();
  }

  /** The {@code data} object of {@code GET transit/keys/<name>}. */
  synchronized Map<String, Object> describe(String name) throws BaoError {
    List<Version> v = keys.get(name);
    if (v == null) {
      throw new BaoError(404, null);
    }
    Map<String, Object> versions = new LinkedHashMap<>();
    for (int i = 0; i < v.size(); i++) {
      Map<String, Object> k = new LinkedHashMap<>();
      k.put("creation_time", v.get(i).created().toString());
      k.put("name", "rsa-2048");
      k.put("public_key", pem(v.get(i).pair().getPublic()));
      versions.put(Integer.toString(i + 1), k);
    }
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("allow_plaintext_backup", false);
    d.put("auto_rotate_period", 0);
    d.put("deletion_allowed", false);
    d.put("derived", false);
    d.put("exportable", false);
    d.put("imported_key", imported.getOrDefault(name, false));
    d.put("keys", versions);
    d.put("latest_version", v.size());
    d.put("min_available_version", 0);
    d.put("min_decryption_version", 1);
    d.put("min_encryption_version", 0);
    d.put("name", name);
    d.put("supports_decryption", true);
    d.put("supports_derivation", false);
    d.put("supports_encryption", true);
    d.put("supports_signing", true);
    d.put("type", "rsa-2048");
    return d;
  }

  /** One signature item: {@code {"signature":"vault:vN:…","key_version":N}}. */
  synchronized Map<String, Object> sign(
      String name, String inputB64, Integer keyVersion, SignOptions o) throws BaoError {
    List<Version> v = keys.get(name);
    if (v == null) {
      throw BaoError.badRequest("signing key not found");
    }
    if (!"pkcs1v15".equals(o.signatureAlgorithm())) {
      throw BaoError.badRequest(
          "simulator signs RSA with signature_algorithm=pkcs1v15 only (OpenBao defaults to pss)");
    }
    if (!"sha2-256".equals(o.hashAlgorithm())) {
      throw BaoError.badRequest("simulator supports hash_algorithm=sha2-256 only");
    }
    int n = keyVersion == null || keyVersion == 0 ? v.size() : keyVersion;
    if (n < 1 || n > v.size()) {
      throw BaoError.badRequest("requested version for signing is higher than the latest key");
    }
    byte[] input;
    try {
      input = Base64.getDecoder().decode(inputB64 == null ? "" : inputB64);
    } catch (IllegalArgumentException e) {
      throw BaoError.badRequest("unable to decode input as base64: " + e.getMessage());
    }
    try {
      Signature s;
      byte[] data;
      if (o.prehashed()) {
        if (input.length != 32) {
          throw BaoError.badRequest("prehashed input must be a 32-byte SHA-256 digest");
        }
        s = Signature.getInstance("NONEwithRSA");
        data = new byte[SHA256_DIGEST_INFO.length + 32];
        System.arraycopy(SHA256_DIGEST_INFO, 0, data, 0, SHA256_DIGEST_INFO.length);
        System.arraycopy(input, 0, data, SHA256_DIGEST_INFO.length, 32);
      } else {
        s = Signature.getInstance("SHA256withRSA");
        data = input;
      }
      s.initSign(v.get(n - 1).pair().getPrivate());
      s.update(data);
      String sig = "vault:v" + n + ":" + Base64.getEncoder().encodeToString(s.sign());
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("signature", sig);
      out.put("key_version", n);
      return out;
    } catch (GeneralSecurityException e) {
      throw new BaoError(500, "signing failed");
    }
  }

  record SignOptions(String signatureAlgorithm, String hashAlgorithm, boolean prehashed) {}

  private static String pem(PublicKey k) {
    String b =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(k.getEncoded());
    return "-----BEGIN PUBLIC KEY-----\n" + b + "\n-----END PUBLIC KEY-----\n";
  }
}
