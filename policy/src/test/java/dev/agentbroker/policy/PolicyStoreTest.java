package dev.agentbroker.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyStoreTest {
  @TempDir Path dir;

  static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  static final Caller CALLER = Caller.of("https://issuer", "agent");

  /** A policy granting {@code contents: <level>} on repository {@code repo}. */
  static String policy(String repo, String level) {
    return "version: 1\n"
        + "identities:\n"
        + "  - {id: agent, issuer: https://issuer, subject: agent, profile: ci,\n"
        + "     grants: [{owner: acme, repositories: ["
        + repo
        + "], permissions: {contents: "
        + level
        + "}}]}\n";
  }

  static TokenRequest request(String repo) {
    return new TokenRequest("acme", List.of(repo), List.of(), Map.of("contents", "read"));
  }

  /** Writes content and pins mtime, so only the content hash can reveal the change. */
  static void write(Path file, String content) throws Exception {
    Files.writeString(file, content);
    Files.setLastModifiedTime(file, FileTime.from(T0));
  }

  @Test
  void firstLoadMustSucceed() throws Exception {
    Path file = dir.resolve("policy.yaml");
    PolicyException missing =
        assertThrows(PolicyException.class, () -> PolicyStore.open(file, Clock.systemUTC()));
    assertTrue(missing.getMessage().contains("cannot read policy file"), missing.getMessage());
    assertEquals(1, missing.problems().size());
    write(file, "version: 1\nidentities: {}\n");
    assertThrows(PolicyException.class, () -> PolicyStore.open(file, Clock.systemUTC()));
  }

  @Test
  void reloadsOnChangeKeepsLastGoodAndRecovers() throws Exception {
    Path file = dir.resolve("policy.yaml");
    write(file, policy("alpha", "read"));
    Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    PolicyStore store = PolicyStore.open(file, clock);
    assertEquals(T0, store.lastLoadedAt());
    assertTrue(store.current().evaluate(CALLER, request("alpha")).allowed());
    assertEquals(ReloadResult.Status.UNCHANGED, store.reloadIfChanged().status());

    // Same size, same mtime, different content: must still be noticed.
    write(file, policy("bravo", "read"));
    assertEquals(Files.size(file), policy("alpha", "read").length());
    assertEquals(ReloadResult.Status.RELOADED, store.reloadIfChanged().status());
    assertEquals(1, store.reloadSuccesses());
    assertFalse(store.current().evaluate(CALLER, request("alpha")).allowed());
    assertTrue(store.current().evaluate(CALLER, request("bravo")).allowed());
    CompiledPolicy good = store.current();

    // Broken edit: last good stays in force.
    write(file, policy("charlie", "admin"));
    ReloadResult failed = store.reloadIfChanged();
    assertEquals(ReloadResult.Status.FAILED, failed.status());
    assertTrue(failed.problems().get(0).message().contains("invalid level 'admin'"));
    assertEquals(1, store.reloadFailures());
    assertTrue(store.lastReloadFailed());
    assertTrue(store.lastError().orElseThrow().contains("invalid level 'admin'"));
    assertEquals(good, store.current());
    assertTrue(store.current().evaluate(CALLER, request("bravo")).allowed());

    // The same broken content is not recompiled or counted again.
    assertEquals(ReloadResult.Status.UNCHANGED, store.reloadIfChanged().status());
    assertEquals(1, store.reloadFailures());
    assertTrue(store.lastReloadFailed());

    // Deleting the file is a failure too, still keeping the last good.
    Files.delete(file);
    assertEquals(ReloadResult.Status.FAILED, store.reloadIfChanged().status());
    assertEquals(2, store.reloadFailures());
    assertEquals(good, store.current());

    // Recovery.
    write(file, policy("delta", "read"));
    assertEquals(ReloadResult.Status.RELOADED, store.reloadIfChanged().status());
    assertEquals(2, store.reloadSuccesses());
    assertFalse(store.lastReloadFailed());
    assertTrue(store.lastError().isEmpty());
    assertTrue(store.current().evaluate(CALLER, request("delta")).allowed());
  }

  @Test
  void revertingToTheCurrentContentClearsTheFailure() throws Exception {
    Path file = dir.resolve("policy.yaml");
    write(file, policy("alpha", "read"));
    PolicyStore store = PolicyStore.open(file, Clock.systemUTC());
    write(file, "version: 1\n");
    assertEquals(ReloadResult.Status.FAILED, store.reloadIfChanged().status());
    write(file, policy("alpha", "read"));
    assertEquals(ReloadResult.Status.UNCHANGED, store.reloadIfChanged().status());
    assertFalse(store.lastReloadFailed());
    assertEquals(0, store.reloadSuccesses());
  }

  /** The deployment's extra check (the broker's: no identity on the human-only issuer). */
  static List<PolicyProblem> noIssuerB(CompiledPolicy p) {
    return p.identities().stream()
        .filter(i -> i.issuer().equals("https://issuer-b"))
        .map(i -> new PolicyProblem(p.sourceName(), 0, 0, "identities." + i.id(), "issuer b"))
        .toList();
  }

  @Test
  void anExtraCheckRefusesAtOpenAndOnReloadKeepingTheLastGood() throws Exception {
    Path file = dir.resolve("policy.yaml");
    write(file, policy("alpha", "read").replace("https://issuer", "https://issuer-b"));
    PolicyException atOpen =
        assertThrows(
            PolicyException.class,
            () -> PolicyStore.open(file, Clock.systemUTC(), PolicyStoreTest::noIssuerB));
    assertTrue(atOpen.getMessage().contains("identities.agent: issuer b"), atOpen.getMessage());

    write(file, policy("alpha", "read"));
    PolicyStore store = PolicyStore.open(file, Clock.systemUTC(), PolicyStoreTest::noIssuerB);
    CompiledPolicy good = store.current();
    write(file, policy("bravo", "read").replace("https://issuer", "https://issuer-b"));
    ReloadResult r = store.reloadIfChanged();
    assertEquals(ReloadResult.Status.FAILED, r.status());
    assertEquals("issuer b", r.problems().get(0).message());
    assertTrue(store.lastReloadFailed());
    assertEquals(1, store.reloadFailures());
    assertEquals(good, store.current());
  }
}
