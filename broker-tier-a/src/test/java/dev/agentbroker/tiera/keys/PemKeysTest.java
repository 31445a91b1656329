package dev.agentbroker.tiera.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.testkit.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemKeysTest {
  private static KeyPair rsa;

  @BeforeAll
  static void keys() {
    rsa = TestKeys.rsa2048();
  }

  @Test
  void parsesPkcs1AndPkcs8ToTheSameKey() throws Exception {
    RSAPrivateCrtKey a = PemKeys.parseRsaPrivateKey(TestKeys.pkcs1Pem(rsa.getPrivate()));
    RSAPrivateCrtKey b = PemKeys.parseRsaPrivateKey(TestKeys.pkcs8Pem(rsa.getPrivate()));
    assertEquals(a.getModulus(), b.getModulus());
    assertEquals(a.getPrivateExponent(), b.getPrivateExponent());
  }

  @Test
  void refusesGarbageWithoutEchoingIt() {
    String secretish =
        "-----BEGIN RSA PRIVATE KEY-----\nTOPSECRETMATERIAL\n-----END RSA PRIVATE KEY-----\n";
    KeyUnavailableException e =
        assertThrows(KeyUnavailableException.class, () -> PemKeys.parseRsaPrivateKey(secretish));
    assertFalse(e.getMessage().contains("TOPSECRET"));
    assertThrows(KeyUnavailableException.class, () -> PemKeys.parseRsaPrivateKey("not a pem"));
    assertThrows(KeyUnavailableException.class, () -> PemKeys.parseRsaPrivateKey(""));
  }

  @Test
  void refusesEcAndShortRsaKeys() throws Exception {
    KeyPair ec = TestKeys.ecP256();
    KeyUnavailableException e =
        assertThrows(
            KeyUnavailableException.class,
            () -> PemKeys.parseRsaPrivateKey(TestKeys.pkcs8Pem(ec.getPrivate())));
    assertTrue(e.getMessage().contains("RSA"), e.getMessage());
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(1024);
    KeyPair weak = g.generateKeyPair();
    e =
        assertThrows(
            KeyUnavailableException.class,
            () -> PemKeys.parseRsaPrivateKey(TestKeys.pkcs1Pem(weak.getPrivate())));
    assertTrue(e.getMessage().contains("2048"), e.getMessage());
  }

  @Test
  void fileSignerRefusesWorldReadableFile(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("app.pem");
    Files.writeString(key, TestKeys.pkcs1Pem(rsa.getPrivate()));
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    KeyUnavailableException e =
        assertThrows(KeyUnavailableException.class, () -> FileAppJwtSigner.load(key));
    assertTrue(e.getMessage().contains("world-readable"), e.getMessage());
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    assertEquals("file (RSA 2048)", FileAppJwtSigner.load(key).describe());
    assertThrows(
        KeyUnavailableException.class, () -> FileAppJwtSigner.load(dir.resolve("missing.pem")));
  }

  @Test
  void groupReadableKeyOnlyForTheBrokersOwnGroup(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("app.pem");
    Files.writeString(key, TestKeys.pkcs1Pem(rsa.getPrivate()));
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r-----"));
    int own = (int) FileAppJwtSigner.processGid();
    assertEquals(own, (Integer) Files.getAttribute(key, "unix:gid"), "a new file gets our gid");
    assertEquals("file (RSA 2048)", FileAppJwtSigner.load(key).describe(), "0640, own group");

    int other = own + 4242;
    try {
      Files.setAttribute(key, "unix:gid", other);
    } catch (java.io.IOException e) {
      org.junit.jupiter.api.Assumptions.abort("cannot chgrp here (not root): " + e);
    }
    KeyUnavailableException e =
        assertThrows(KeyUnavailableException.class, () -> FileAppJwtSigner.load(key));
    assertTrue(e.getMessage().contains("readable by group " + other), e.getMessage());
    assertThrows(
        KeyUnavailableException.class,
        () -> FileAppJwtSigner.load(key, java.util.OptionalInt.of(other + 1)));
    assertEquals(
        "file (RSA 2048)",
        FileAppJwtSigner.load(key, java.util.OptionalInt.of(other)).describe(),
        "the documented setting names the sharing group");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    assertEquals("file (RSA 2048)", FileAppJwtSigner.load(key).describe(), "0600, any group");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    assertThrows(
        KeyUnavailableException.class,
        () -> FileAppJwtSigner.load(key, java.util.OptionalInt.of(other)),
        "world-readable is refused whatever the group");
  }

  @Test
  void fileSignerProducesRs256JwtThatVerifiesWithThePublicKey(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("app.pem");
    Files.writeString(key, TestKeys.pkcs8Pem(rsa.getPrivate()));
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    Instant iat = Instant.parse("2026-11-25T10:00:00Z");
    String jwt = FileAppJwtSigner.load(key).sign("424242", iat, iat.plusSeconds(600));
    String[] parts = jwt.split("\\.");
    assertEquals(3, parts.length);
    String header = new String(Base64.getUrlDecoder().decode(parts[0]));
    String payload = new String(Base64.getUrlDecoder().decode(parts[1]));
    assertTrue(header.contains("\"alg\":\"RS256\""), header);
    assertTrue(payload.contains("\"iss\":\"424242\""), payload);
    assertTrue(payload.contains("\"iat\":" + iat.getEpochSecond()), payload);
    assertTrue(payload.contains("\"exp\":" + (iat.getEpochSecond() + 600)), payload);
    Signature v = Signature.getInstance("SHA256withRSA");
    v.initVerify(rsa.getPublic());
    v.update((parts[0] + "." + parts[1]).getBytes());
    assertTrue(v.verify(Base64.getUrlDecoder().decode(parts[2])));
  }
}
