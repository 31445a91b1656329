package dev.agentbroker.tiera.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.agentbroker.testkit.PrivateKeyReferences;
import dev.agentbroker.testkit.TestKeys;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.Jwts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransitAppJwtSignerTest {
  private static final KeyPair KEY = TestKeys.rsa2048();

  /** Plays OpenBao Transit: signs with pkcs1v15/sha2-256 and answers in vault:v1: form. */
  private static TransitSigner fakeTransit(int version) {
    return new TransitSigner() {
      @Override
      public byte[] sign(byte[] input) throws KeyUnavailableException {
        try {
          Signature s = Signature.getInstance("SHA256withRSA");
          s.initSign(KEY.getPrivate());
          s.update(input);
          String vault = "vault:v" + version + ":" + Base64.getEncoder().encodeToString(s.sign());
          return VaultSignatures.decode(vault).signature();
        } catch (GeneralSecurityException e) {
          throw new KeyUnavailableException("test", e);
        }
      }

      @Override
      public String describe() {
        return "fake-transit";
      }
    };
  }

  @Test
  void producesAnRs256JwtThatVerifiesAgainstThePublicKey() throws Exception {
    Instant iat = Instant.parse("2026-01-01T00:00:00Z");
    String jwt = new TransitAppJwtSigner(fakeTransit(3)).sign("Iv23abc", iat, iat.plusSeconds(600));
    String header =
        new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[0]), StandardCharsets.UTF_8);
    assertEquals("{\"alg\":\"RS256\",\"typ\":\"JWT\"}", header);
    assertFalse(jwt.contains("="), "base64url without padding");
    Claims c =
        Jwts.parser()
            .verifyWith(KEY.getPublic())
            .clock(() -> java.util.Date.from(iat.plusSeconds(1)))
            .build()
            .parseSignedClaims(jwt)
            .getPayload();
    assertEquals("Iv23abc", c.getIssuer());
    assertEquals(iat, c.getIssuedAt().toInstant());
    assertEquals(iat.plusSeconds(600), c.getExpiration().toInstant());
  }

  @Test
  void refusesImplausibleSignaturesAndPassesFailuresThrough() {
    TransitSigner shortSig =
        new TransitSigner() {
          @Override
          public byte[] sign(byte[] input) {
            return new byte[10];
          }

          @Override
          public String describe() {
            return "short";
          }
        };
    Instant now = Instant.now();
    assertThrows(
        KeyUnavailableException.class,
        () -> new TransitAppJwtSigner(shortSig).sign("1", now, now.plusSeconds(60)));
    TransitSigner down =
        new TransitSigner() {
          @Override
          public byte[] sign(byte[] input) throws KeyUnavailableException {
            throw new KeyUnavailableException("OpenBao unreachable");
          }

          @Override
          public String describe() {
            return "down";
          }
        };
    KeyUnavailableException e =
        assertThrows(
            KeyUnavailableException.class,
            () -> new TransitAppJwtSigner(down).sign("1", now, now.plusSeconds(60)));
    assertEquals("OpenBao unreachable", e.getMessage());
  }

  @Test
  void vaultSignatureFormatIsStrict() throws Exception {
    assertEquals(12, VaultSignatures.decode("vault:v12:AAEC").keyVersion());
    for (String bad :
        List.of("AAEC", "vault:v0:AAEC", "vault:vx:AAEC", "vault:v1:", "vault:v1:@@")) {
      KeyUnavailableException e =
          assertThrows(KeyUnavailableException.class, () -> VaultSignatures.decode(bad));
      assertFalse(e.getMessage().contains(bad.length() > 9 ? bad.substring(9) : "\u0000"));
    }
  }

  /**
   * The Transit path must never create a private key object. Heap inspection is not portable, so
   * the class files are checked instead: none of the classes on the path may even reference a
   * private-key type or the PEM parser.
   */
  @Test
  void transitPathReferencesNoPrivateKeyType() throws IOException {
    for (Class<?> c :
        List.of(TransitAppJwtSigner.class, TransitSigner.class, VaultSignatures.class)) {
      assertEquals(List.of(), PrivateKeyReferences.in(c), c.getSimpleName() + " references");
    }
  }
}
