package dev.agentbroker.tierb.breakglass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The single-replica stores: insert-if-absent, compare-and-set against the stored grant, the
 * history trimmed to its limit (never an open grant), and a file write that fails leaves both the
 * file and memory as they were.
 */
class MemoryGrantStoreTest {
  static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  final Human alice = new Human(BreakGlassServiceTest.HUMANS, "alice", "alice@acme.example", true);
  final Human bob = new Human(BreakGlassServiceTest.HUMANS, "bob", "bob@acme.example", true);
  @TempDir Path dir;

  Grant grant(int n) throws Exception {
    return Grant.requested(
        String.format("bg-00000000-0000-0000-0000-%012d", n),
        BreakGlassServiceTest.tokenRequest(30).elevation(),
        "INC-" + n,
        Duration.ofMinutes(30),
        alice,
        T0.plusSeconds(n),
        Duration.ofMinutes(15));
  }

  @Test
  void createIsInsertIfAbsentAndReplaceComparesWithTheStoredGrant() throws Exception {
    MemoryGrantStore store = new MemoryGrantStore(10);
    Grant g = grant(1);
    assertTrue(store.create(g));
    assertFalse(store.create(g.denied(bob, T0, "again")), "an id is created once");
    Grant approved = g.approved(bob, T0, Duration.ofMinutes(15));
    assertTrue(store.replace(g, approved));
    assertFalse(store.replace(g, g.denied(bob, T0, "stale")), "g is no longer stored");
    assertEquals(Optional.of(approved), store.get(g.id()));
    assertEquals(Optional.empty(), store.get("bg-none"));
  }

  @Test
  void theHistoryKeepsTheNewestDecidedGrantsAndEveryOpenOne() throws Exception {
    MemoryGrantStore store = new MemoryGrantStore(2);
    Grant open = grant(0);
    store.create(open);
    for (int i = 1; i <= 4; i++) {
      Grant g = grant(i);
      store.create(g);
      store.replace(g, g.denied(bob, T0, "no"));
    }
    assertEquals(
        List.of(grant(4).id(), grant(3).id(), open.id()),
        store.list().stream().map(Grant::id).toList(),
        "newest first; the oldest decided ones are dropped, the open one stays");
  }

  @Test
  void aFailedFileWriteChangesNeitherTheFileNorMemory() throws Exception {
    Path file = dir.resolve("bg/grants.json");
    FileGrantStore store = new FileGrantStore(file, 10);
    Grant g = grant(1);
    assertTrue(store.create(g));
    String before = Files.readString(file);
    // The temporary file's name taken by a directory: the next save cannot be written.
    Files.createDirectory(dir.resolve("bg/grants.json.tmp"));
    Files.writeString(dir.resolve("bg/grants.json.tmp/x"), "blocks the delete");
    GrantStoreException e =
        assertThrows(
            GrantStoreException.class,
            () -> store.replace(g, g.approved(bob, T0, Duration.ofMinutes(15))));
    assertTrue(e.getMessage().contains("cannot be written"), e.getMessage());
    assertEquals(Optional.of(g), store.get(g.id()), "memory restored");
    assertEquals(before, Files.readString(file));
    assertEquals(List.of(g), new FileGrantStore(file).list(), "a restart reads the old state");
  }
}
