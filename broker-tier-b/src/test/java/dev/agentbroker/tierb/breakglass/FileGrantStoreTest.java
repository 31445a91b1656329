package dev.agentbroker.tierb.breakglass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The grant store on disk: owner-only, never torn, never "empty" when unreadable. */
class FileGrantStoreTest {
  @TempDir Path dir;

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void theStoreIsOwnerOnlyEvenUnderAPermissiveUmaskOrAStaleTemporaryFile() throws Exception {
    Path file = dir.resolve("grants.json");
    // A temporary file left behind by a crash, world-readable: the save must not inherit that.
    Path stale = dir.resolve("grants.json.tmp");
    Files.writeString(stale, "stale");
    Files.setPosixFilePermissions(stale, PosixFilePermissions.fromString("rw-rw-rw-"));
    FileGrantStore store = new FileGrantStore(file);
    store.save(List.of());
    assertEquals("rw-------", mode(file));
    assertFalse(Files.exists(stale), "the temporary file was renamed over the store");
    assertEquals(List.of(), store.load());
  }

  @Test
  void anUnreadableOrCorruptStoreIsAnErrorNeverNoGrants() throws Exception {
    Path file = dir.resolve("grants.json");
    for (String content :
        List.of("", "{", "[]", "{\"format\":2,\"grants\":[]}", "{\"format\":1}")) {
      Files.writeString(file, content);
      GrantStoreException e =
          assertThrows(GrantStoreException.class, () -> new FileGrantStore(file).load(), content);
      assertTrue(e.getMessage().contains("refusing to start"), e.getMessage());
    }
  }

  @Test
  void aMissingStoreMeansNoGrantsYet() throws Exception {
    assertEquals(List.of(), new FileGrantStore(dir.resolve("absent.json")).load());
  }
}
