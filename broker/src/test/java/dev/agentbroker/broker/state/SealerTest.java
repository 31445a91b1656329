package dev.agentbroker.broker.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SealerTest {
  static final byte[] KEY = new byte[32];
  static final byte[] OTHER_KEY = new byte[32];

  static {
    Arrays.fill(KEY, (byte) 7);
    Arrays.fill(OTHER_KEY, (byte) 9);
  }

  final Sealer sealer = new Sealer(KEY);

  @Test
  void aSealedValueOpensForItsOwnRecordOnly() throws Exception {
    String token = "ghs_" + "a".repeat(36);
    String sealed = sealer.seal(token, "lease:1");
    assertTrue(sealed.startsWith("v1."));
    assertFalse(sealed.contains(token));
    assertFalse(sealed.contains("ghs_"));
    assertEquals(token, sealer.open(sealed, "lease:1"));
    assertThrows(StateUnavailableException.class, () -> sealer.open(sealed, "lease:2"));
  }

  @Test
  void sealingTwiceGivesDifferentCiphertexts() {
    assertNotEquals(sealer.seal("x", "c"), sealer.seal("x", "c"));
  }

  @Test
  void anotherKeyOrAnAlteredValueDoesNotOpen() {
    String sealed = sealer.seal("secret", "c");
    assertThrows(StateUnavailableException.class, () -> new Sealer(OTHER_KEY).open(sealed, "c"));
    // A character inside the text: every bit of it is used (the last character of unpadded
    // base64 may carry unused bits, so changing it may change nothing).
    for (int i = 3; i < sealed.length() - 1; i++) {
      char c = sealed.charAt(i);
      String altered = sealed.substring(0, i) + (c == 'A' ? 'B' : 'A') + sealed.substring(i + 1);
      assertThrows(StateUnavailableException.class, () -> sealer.open(altered, "c"), "at " + i);
    }
  }

  @Test
  void malformedValuesAreRefusedWithAMessageThatHoldsNoSecret() {
    for (String bad : new String[] {null, "", "plain", "v1.", "v1.%%%", "v1.AAAA", "v2.AAAA"}) {
      StateUnavailableException e =
          assertThrows(StateUnavailableException.class, () -> sealer.open(bad, "c"), bad);
      assertTrue(e.getMessage().contains("state store"), e.getMessage());
    }
  }

  @Test
  void onlyA32ByteKeyIsTakenAndToStringNamesNoKey() {
    assertThrows(IllegalArgumentException.class, () -> new Sealer(new byte[16]));
    assertEquals("Sealer[AES-256-GCM]", sealer.toString());
  }
}
