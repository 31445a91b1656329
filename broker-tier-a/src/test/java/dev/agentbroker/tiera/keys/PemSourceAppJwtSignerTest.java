package dev.agentbroker.tiera.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.testkit.MutableClock;
import dev.agentbroker.testkit.TestKeys;
import io.jsonwebtoken.Jwts;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.junit.jupiter.api.Test;

class PemSourceAppJwtSignerTest {
  private static final KeyPair A = TestKeys.rsa2048();
  private static final KeyPair B = TestKeys.rsa2048();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  /** A switchable source, like an OpenBao KV path an operator writes new versions to. */
  private static final class Source implements PemSource {
    volatile String pem;
    volatile boolean down;
    int reads;

    @Override
    public String read() throws KeyUnavailableException {
      reads++;
      if (down) {
        throw new KeyUnavailableException("OpenBao unreachable");
      }
      return pem;
    }

    @Override
    public String describe() {
      return "test-kv";
    }
  }

  private String sign(PemSourceAppJwtSigner s) throws KeyUnavailableException {
    Instant now = clock.instant();
    return s.sign("42", now.minusSeconds(60), now.plusSeconds(540));
  }

  private boolean verifies(String jwt, PublicKey k) {
    try {
      Jwts.parser().verifyWith(k).clock(() -> Date.from(clock.instant())).build().parse(jwt);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Test
  void picksUpARotatedKeyOnRefreshAndKeepsThePrevious() throws Exception {
    Source src = new Source();
    src.pem = TestKeys.pkcs1Pem(A.getPrivate());
    PemSourceAppJwtSigner s = PemSourceAppJwtSigner.open(src, clock, Duration.ofMinutes(1));
    assertTrue(verifies(sign(s), A.getPublic()));
    String fpA = s.currentFingerprint();
    src.pem = TestKeys.pkcs1Pem(B.getPrivate());
    assertTrue(s.refresh());
    assertNotEquals(fpA, s.currentFingerprint());
    assertTrue(verifies(sign(s), B.getPublic()));
    assertFalse(s.refresh(), "same key again is not a rotation");
  }

  @Test
  void staleKeyIsReReadBeforeSigning() throws Exception {
    Source src = new Source();
    src.pem = TestKeys.pkcs1Pem(A.getPrivate());
    PemSourceAppJwtSigner s = PemSourceAppJwtSigner.open(src, clock, Duration.ofMinutes(1));
    src.pem = TestKeys.pkcs1Pem(B.getPrivate());
    assertTrue(verifies(sign(s), A.getPublic()), "within the interval the held key is used");
    clock.advance(Duration.ofMinutes(2));
    assertTrue(verifies(sign(s), B.getPublic()));
  }

  @Test
  void rejectionFallsBackToTheOtherHeldKeyWhenTheSourceIsAheadOfGitHub() throws Exception {
    Source src = new Source();
    src.pem = TestKeys.pkcs1Pem(A.getPrivate());
    PemSourceAppJwtSigner s = PemSourceAppJwtSigner.open(src, clock, Duration.ofMinutes(1));
    src.pem = TestKeys.pkcs1Pem(B.getPrivate());
    s.refresh();
    sign(s); // signed with B, which GitHub does not know yet
    s.keyRejected();
    assertTrue(verifies(sign(s), A.getPublic()));
  }

  @Test
  void rejectionOfAnOldJwtDoesNotSwapAwayFromTheNewKey() throws Exception {
    Source src = new Source();
    src.pem = TestKeys.pkcs1Pem(A.getPrivate());
    PemSourceAppJwtSigner s = PemSourceAppJwtSigner.open(src, clock, Duration.ofMinutes(1));
    sign(s); // JWT with A, cached by the client
    src.pem = TestKeys.pkcs1Pem(B.getPrivate());
    s.refresh();
    s.keyRejected(); // GitHub dropped A: the cached A-JWT is refused
    assertTrue(verifies(sign(s), B.getPublic()));
  }

  @Test
  void failsClosedWhileTheSourceIsDownAndNeverLeaksThePem() throws Exception {
    Source src = new Source();
    String pem = TestKeys.pkcs1Pem(A.getPrivate());
    src.pem = pem;
    PemSourceAppJwtSigner s = PemSourceAppJwtSigner.open(src, clock, Duration.ofMinutes(1));
    src.down = true;
    assertThrows(KeyUnavailableException.class, s::refresh);
    assertFalse(s.available());
    assertThrows(KeyUnavailableException.class, () -> sign(s));
    src.down = false;
    assertTrue(verifies(sign(s), A.getPublic()));
    assertTrue(s.available());
    src.pem = "-----BEGIN RSA PRIVATE KEY-----\nnot a key\n-----END RSA PRIVATE KEY-----\n";
    KeyUnavailableException e = assertThrows(KeyUnavailableException.class, s::refresh);
    assertFalse(e.getMessage().contains("not a key"));
    String line = pem.split("\n")[1];
    assertFalse(s.toString().contains(line));
    assertFalse(s.describe().contains(line));
    assertEquals(s.describe(), "test-kv key " + s.currentFingerprint());
  }
}
