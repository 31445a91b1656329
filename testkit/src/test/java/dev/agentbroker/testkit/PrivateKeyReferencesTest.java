package dev.agentbroker.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PrivateKeyReferencesTest {
  @Test
  void findsAReferenceAndClearsAClassWithout() throws Exception {
    // TestKeys generates key pairs, so its class file names KeyPair: the check must see it.
    assertTrue(
        PrivateKeyReferences.in(TestKeys.class).contains("java/security/KeyPair"),
        "KeyPair reference in TestKeys");
    assertEquals(List.of(), PrivateKeyReferences.in(MutableClock.class));
  }
}
