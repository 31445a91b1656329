package dev.agentbroker.testkit.github;

import java.security.PublicKey;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The App's current public keys. GitHub lets an App hold more than one key so owners can rotate
 * without downtime; a JWT is valid if any current key verifies it. Keys are compared by encoding
 * because key objects from different providers do not reliably implement {@code equals}.
 */
final class KeyRing {
  private final CopyOnWriteArrayList<PublicKey> keys = new CopyOnWriteArrayList<>();

  KeyRing(List<PublicKey> initial) {
    initial.forEach(this::add);
  }

  synchronized void add(PublicKey key) {
    if (indexOf(key) < 0) {
      keys.add(key);
    }
  }

  synchronized void remove(PublicKey key) {
    int i = indexOf(key);
    if (i >= 0) {
      keys.remove(i);
    }
  }

  List<PublicKey> snapshot() {
    return List.copyOf(keys);
  }

  /**
   * Identity check against the stored instances: {@link #remove} drops the stored instance, so a
   * cached verification that names it stops matching.
   */
  boolean containsInstance(PublicKey key) {
    for (PublicKey k : keys) {
      if (k == key) {
        return true;
      }
    }
    return false;
  }

  private int indexOf(PublicKey key) {
    byte[] enc = key.getEncoded();
    for (int i = 0; i < keys.size(); i++) {
      if (Arrays.equals(keys.get(i).getEncoded(), enc)) {
        return i;
      }
    }
    return -1;
  }
}
