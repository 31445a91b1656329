package dev.agentbroker.testkit.github;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The simulated GitHub's mutable world: installations (and whether they are suspended or
 * uninstalled), the App's keys, and every token minted. Survives {@code reset()}; only recordings
 * and faults are cleared there.
 */
final class SimulatorState {
  /** GitHub installation tokens live for one hour. */
  static final Duration TOKEN_LIFETIME = Duration.ofHours(1);

  final SimulatorFixture fixture;
  final Clock clock;
  final KeyRing keys;

  private final Map<Long, Installation> installations = new LinkedHashMap<>();
  private final Map<Long, Instant> suspendedAt = new ConcurrentHashMap<>();
  private final Set<Long> uninstalled = ConcurrentHashMap.newKeySet();
  private final Map<String, IssuedToken> tokens = new ConcurrentHashMap<>();
  private final Set<String> revoked = ConcurrentHashMap.newKeySet();
  private final AtomicInteger issued = new AtomicInteger();
  private final AtomicInteger repoSequence = new AtomicInteger();
  private final InstallationTokens tokenFormats = InstallationTokens.shared();

  SimulatorState(SimulatorFixture fixture, Clock clock) {
    this.fixture = fixture;
    this.clock = clock;
    this.keys = new KeyRing(fixture.appKeys());
    for (Installation i : fixture.installations()) {
      installations.put(i.id(), i);
    }
  }

  Instant now() {
    return clock.instant();
  }

  /** The installation if it exists and is still installed, else null. */
  Installation installation(long id) {
    Installation i = installations.get(id);
    return i == null || uninstalled.contains(id) ? null : i;
  }

  List<Installation> installations() {
    List<Installation> out = new ArrayList<>();
    for (Installation i : installations.values()) {
      if (!uninstalled.contains(i.id())) {
        out.add(i);
      }
    }
    return out;
  }

  /**
   * Installation on the account {@code login} (case-insensitive). With {@code orgsOnly}, user
   * accounts are invisible, matching {@code /orgs/{org}/installation}.
   */
  Installation byAccount(String login, boolean orgsOnly) {
    for (Installation i : installations()) {
      if (i.account().equalsIgnoreCase(login)
          && (!orgsOnly || i.accountType() == AccountType.ORGANIZATION)) {
        return i;
      }
    }
    return null;
  }

  /** Installation that can reach {@code owner/repo} (case-insensitive), else null. */
  Installation byRepo(String owner, String repo) {
    Installation i = byAccount(owner, false);
    return i != null && repoByName(i, repo) != null ? i : null;
  }

  static Repo repoByName(Installation i, String name) {
    for (Repo r : i.repositories()) {
      if (r.name().equalsIgnoreCase(name)) {
        return r;
      }
    }
    return null;
  }

  static Repo repoById(Installation i, long id) {
    for (Repo r : i.repositories()) {
      if (r.id() == id) {
        return r;
      }
    }
    return null;
  }

  /**
   * Adds a repository created through the API. Replacing the value of an existing key is not a
   * structural change, so concurrent readers of the map stay safe.
   */
  synchronized Repo addRepository(long installationId, String name, boolean isPrivate) {
    Installation i = installations.get(installationId);
    long id = 800_000L + repoSequence.incrementAndGet();
    Repo repo = new Repo(id, name, isPrivate);
    List<Repo> repos = new ArrayList<>(i.repositories());
    repos.add(repo);
    installations.put(
        installationId,
        new Installation(
            i.id(), i.account(), i.accountType(), i.permissions(), repos, i.allRepositories()));
    return repo;
  }

  Instant suspendedAt(long installationId) {
    return suspendedAt.get(installationId);
  }

  void suspend(long id) {
    requireKnown(id);
    suspendedAt.putIfAbsent(id, now().truncatedTo(ChronoUnit.SECONDS));
  }

  void unsuspend(long id) {
    requireKnown(id);
    suspendedAt.remove(id);
  }

  /** Uninstalling on GitHub also kills the installation's tokens. */
  void uninstall(long id) {
    requireKnown(id);
    uninstalled.add(id);
    for (IssuedToken t : tokens.values()) {
      if (t.installationId() == id) {
        revoked.add(t.token());
      }
    }
  }

  private void requireKnown(long id) {
    if (!installations.containsKey(id)) {
      throw new IllegalArgumentException("no installation " + id + " in the fixture");
    }
  }

  IssuedToken issue(
      Installation inst,
      Map<String, String> permissions,
      List<Repo> repos,
      String selection,
      boolean stateless) {
    Instant issuedAt = now().truncatedTo(ChronoUnit.SECONDS);
    Instant expires = issuedAt.plus(TOKEN_LIFETIME);
    IssuedToken t;
    do {
      String token =
          stateless
              ? tokenFormats.stateless(fixture.appId(), inst.id(), issuedAt, expires)
              : InstallationTokens.classic();
      t = new IssuedToken(token, inst.id(), expires, permissions, repos, selection);
    } while (tokens.putIfAbsent(t.token(), t) != null);
    issued.incrementAndGet();
    return t;
  }

  /** The token if it was ever issued (revoked and expired ones included); else null. */
  IssuedToken issuedToken(String token) {
    return tokens.get(token);
  }

  /** The token if it was issued, is not revoked and has not expired; else null. */
  IssuedToken live(String token) {
    IssuedToken t = tokens.get(token);
    if (t == null || revoked.contains(token) || !t.unexpiredAt(now())) {
      return null;
    }
    return t;
  }

  /**
   * The {@code contents} level ({@code read}/{@code write}) a live token has on {@code owner/repo}
   * (case-insensitive), or null: when the token is not live, its installation is gone or suspended,
   * the owner is not the installation's account, the repository is not among the token's, or the
   * token has no {@code contents} permission. Reads only concurrent or immutable state, like {@link
   * #live}.
   */
  String contentsAccess(String token, String owner, String repo) {
    IssuedToken t = live(token);
    if (t == null || suspendedAt(t.installationId()) != null) {
      return null;
    }
    Installation inst = installation(t.installationId());
    if (inst == null || !inst.account().equalsIgnoreCase(owner)) {
      return null;
    }
    boolean reaches = t.repositories().stream().anyMatch(r -> r.name().equalsIgnoreCase(repo));
    return reaches ? t.permissions().get("contents") : null;
  }

  /** Revokes a live token; false if it was not live. */
  boolean revoke(String token) {
    return live(token) != null && revoked.add(token);
  }

  int activeCount() {
    Instant now = now();
    int n = 0;
    for (IssuedToken t : tokens.values()) {
      if (!revoked.contains(t.token()) && t.unexpiredAt(now)) {
        n++;
      }
    }
    return n;
  }

  int issuedCount() {
    return issued.get();
  }
}
