package dev.agentbroker.tiera.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.policy.Scope;
import dev.agentbroker.testkit.MutableClock;
import dev.agentbroker.testkit.TestKeys;
import dev.agentbroker.testkit.github.GitHubSimulator;
import dev.agentbroker.testkit.github.MintRequest;
import dev.agentbroker.testkit.github.RecordedRequest;
import dev.agentbroker.testkit.github.SimulatorFixture;
import dev.agentbroker.tiera.github.GitHubException.Kind;
import dev.agentbroker.tiera.keys.FileAppJwtSigner;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against the GitHub simulator: real HTTP, real JWT verification. */
class GitHubAppClientTest {
  private static KeyPair appKey;
  private final MutableClock clock = new MutableClock(Instant.now());
  private final List<Duration> sleeps = new ArrayList<>();
  private GitHubSimulator sim;
  private GitHubAppClient client;

  @BeforeAll
  static void keys() {
    appKey = TestKeys.rsa2048();
  }

  @BeforeEach
  void start() throws Exception {
    sim = GitHubSimulator.start(SimulatorFixture.demo(appKey.getPublic()), clock);
    client = newClient(SimulatorFixture.demo(appKey.getPublic()).appId() + "", false);
  }

  private GitHubAppClient newClient(String iss, boolean unused) {
    GitHubSettings s = GitHubSettings.defaults(sim.baseUri(), iss);
    return GitHubAppClient.createForTest(
        s, FileAppJwtSigner.ofKey((RSAPrivateCrtKey) appKey.getPrivate()), clock, sleeps::add);
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private static Scope scope(List<String> repos, Map<String, String> perms) {
    return new Scope("acme", repos, List.of(), perms);
  }

  @Test
  void mintsExactlyTheRequestedScopeWithGitHubHeaders() throws Exception {
    long id = client.installationId("acme");
    InstallationToken t =
        client.mint(id, scope(List.of("svc-a"), Map.of("contents", "write", "issues", "read")));
    assertTrue(t.token().startsWith("ghs_"));
    assertTrue(t.expiresAt().isAfter(clock.instant().plus(Duration.ofMinutes(59))));
    assertEquals(List.of("svc-a"), t.repositories());
    assertFalse(t.toString().contains(t.token()), "toString must redact the token");
    MintRequest m = sim.mintRequests().get(0);
    assertEquals(List.of("svc-a"), m.repositories());
    assertNull(m.repositoryIds());
    assertEquals(Map.of("contents", "write", "issues", "read"), m.permissions());
    assertFalse(m.widening());
    RecordedRequest r = sim.requests().get(sim.requests().size() - 1);
    assertEquals("agent-broker/0.1", r.headers().get("user-agent").get(0));
    assertEquals("application/vnd.github+json", r.headers().get("accept").get(0));
    assertEquals("2022-11-28", r.headers().get("x-github-api-version").get(0));
    assertTrue(sim.isTokenActive(t.token()));
    assertTrue(client.rateLimit().remaining() >= 0);
  }

  @Test
  void reusesOneAppJwtAndCachesInstallations() throws Exception {
    for (int i = 0; i < 5; i++) {
      long id = client.installationId("ACME");
      client.mint(id, scope(List.of("svc-a"), Map.of("contents", "read")));
    }
    assertEquals(1, sim.distinctAppJwtsSeen());
    long lookups = sim.requests().stream().filter(r -> r.path().endsWith("/installation")).count();
    assertEquals(1, lookups, "owner lookups are cached (case-insensitively)");
    clock.advance(Duration.ofSeconds(481)); // past exp-60 of a 540 s JWT
    client.mint(client.installationId("acme"), scope(List.of("svc-a"), Map.of("contents", "read")));
    assertEquals(2, sim.distinctAppJwtsSeen(), "a JWT near expiry is replaced");
  }

  @Test
  void userAccountsAreFoundThroughTheUsersEndpointAndMissesAreCached() throws Exception {
    assertTrue(client.installationId("octocat") > 0);
    GitHubException e =
        assertThrows(GitHubException.class, () -> client.installationId("nobody-here"));
    assertEquals(Kind.NOT_INSTALLED, e.kind());
    int before = sim.requests().size();
    assertThrows(GitHubException.class, () -> client.installationId("nobody-here"));
    assertEquals(before, sim.requests().size(), "a miss is cached");
    clock.advance(Duration.ofSeconds(31));
    assertThrows(GitHubException.class, () -> client.installationId("nobody-here"));
    assertTrue(sim.requests().size() > before, "the miss cache expires");
  }

  @Test
  void scopeOutsideTheInstallationIsRejectedWithGitHubsReason() throws Exception {
    long id = client.installationId("acme");
    GitHubException e =
        assertThrows(
            GitHubException.class,
            () -> client.mint(id, scope(List.of("not-a-repo"), Map.of("contents", "read"))));
    assertEquals(Kind.SCOPE_REJECTED, e.kind());
    assertEquals(
        "There is at least one repository that does not exist or is not accessible to the parent"
            + " installation.",
        e.githubMessage().orElseThrow());
    e =
        assertThrows(
            GitHubException.class,
            () -> client.mint(id, scope(List.of("svc-a"), Map.of("secrets", "write"))));
    assertEquals(Kind.SCOPE_REJECTED, e.kind());
    assertEquals(
        "The permissions requested are not granted to this installation.",
        e.githubMessage().orElseThrow());
  }

  @Test
  void neverSendsEmptyRepositoriesOrPermissions() throws Exception {
    long id = client.installationId("acme");
    assertThrows(
        IllegalArgumentException.class,
        () -> client.mint(id, scope(List.of(), Map.of("contents", "read"))));
    assertThrows(
        IllegalArgumentException.class, () -> client.mint(id, scope(List.of("svc-a"), Map.of())));
    assertTrue(sim.mintRequests().isEmpty());
  }

  @Test
  void retriesServerErrorsWithBackoffThenSucceeds() throws Exception {
    sim.faults().failNext(2, 502);
    assertTrue(client.installationId("acme") > 0, "a lookup (GET) is safe to repeat");
    assertEquals(2, sleeps.size(), "two backoffs before the third attempt");
    assertTrue(sleeps.get(1).compareTo(Duration.ofMillis(100)) >= 0);
  }

  @Test
  void givesUpAfterBoundedAttempts() throws Exception {
    sim.faults().failNext(10, 503);
    GitHubException e = assertThrows(GitHubException.class, () -> client.installationId("acme"));
    assertEquals(Kind.UNAVAILABLE, e.kind());
    assertEquals(503, e.status());
    assertFalse(e.mayHaveMinted());
    assertEquals(3, sim.requests().size(), "exactly maxAttempts tries");
  }

  /** Each way a mint can fail after the request left: GitHub may hold a token nobody received. */
  @Test
  void theMintIsNeverRetriedAfterAnAmbiguousFailure() throws Exception {
    long id = client.installationId("acme");
    Scope s = scope(List.of("svc-a"), Map.of("contents", "read"));
    int issued = sim.issuedTokenCount();

    sim.faults().mintThenDropNext(1); // minted at GitHub, reply lost
    GitHubException lost = assertThrows(GitHubException.class, () -> client.mint(id, s));
    assertEquals(Kind.UNAVAILABLE, lost.kind());
    assertTrue(lost.mayHaveMinted());
    assertEquals(1, sim.mintRequests().size(), "one POST, not maxAttempts");
    assertEquals(issued + 1, sim.issuedTokenCount(), "the orphan exists at GitHub, only one");

    sim.faults().failNext(1, 502);
    GitHubException bad = assertThrows(GitHubException.class, () -> client.mint(id, s));
    assertEquals(502, bad.status());
    assertTrue(bad.mayHaveMinted());
    assertEquals(2, sim.mintRequests().size());

    sim.faults().dropConnectionNext(1);
    GitHubException dropped = assertThrows(GitHubException.class, () -> client.mint(id, s));
    assertTrue(dropped.mayHaveMinted(), "a dropped reply cannot be told from a lost one");
    assertEquals(3, sim.mintRequests().size());
    assertTrue(sleeps.isEmpty(), "no backoff: nothing was retried");

    // GitHub back: the next mint (a new call by the caller) works.
    assertNotNull(client.mint(id, s).token());
  }

  @Test
  void aMintThatCouldNotConnectIsRetried() throws Exception {
    // Port 1: the connection is refused, so no request ever reached a server.
    GitHubAppClient nowhere =
        GitHubAppClient.createForTest(
            GitHubSettings.defaults(java.net.URI.create("http://127.0.0.1:1"), "424242"),
            FileAppJwtSigner.ofKey((RSAPrivateCrtKey) appKey.getPrivate()),
            clock,
            sleeps::add);
    GitHubException e =
        assertThrows(
            GitHubException.class,
            () -> nowhere.mint(42, scope(List.of("svc-a"), Map.of("contents", "read"))));
    assertEquals(Kind.UNAVAILABLE, e.kind());
    assertFalse(e.mayHaveMinted());
    assertEquals(2, sleeps.size(), "retried up to maxAttempts");
  }

  @Test
  void secondaryRateLimitIsSurfacedNotRetried() throws Exception {
    long id = client.installationId("acme");
    sim.faults().secondaryRateLimitNext(1, 42);
    GitHubException e =
        assertThrows(
            GitHubException.class,
            () -> client.mint(id, scope(List.of("svc-a"), Map.of("contents", "read"))));
    assertEquals(Kind.RATE_LIMITED, e.kind());
    assertEquals(Duration.ofSeconds(42), e.retryAfter().orElseThrow());
    assertEquals(1, sim.mintRequests().size(), "no hammering");
    assertTrue(sleeps.isEmpty());
  }

  @Test
  void primaryRateLimitUsesTheResetHeader() throws Exception {
    long id = client.installationId("acme");
    sim.faults().primaryRateLimitExhausted(true, clock.instant().getEpochSecond() + 120);
    GitHubException e =
        assertThrows(
            GitHubException.class,
            () -> client.mint(id, scope(List.of("svc-a"), Map.of("contents", "read"))));
    assertEquals(Kind.RATE_LIMITED, e.kind());
    Duration wait = e.retryAfter().orElseThrow();
    assertTrue(wait.toSeconds() >= 100 && wait.toSeconds() <= 120, wait.toString());
  }

  @Test
  void wrongAppIdIsMisconfiguration() throws Exception {
    GitHubAppClient wrong = newClient("999999", false);
    GitHubException e = assertThrows(GitHubException.class, () -> wrong.installationId("acme"));
    assertTrue(
        e.kind() == Kind.MISCONFIGURED || e.kind() == Kind.NOT_INSTALLED,
        "unknown App id must never look like success: " + e.kind());
  }

  @Test
  void suspendedInstallationIsRefused() throws Exception {
    long id = client.installationId("acme");
    sim.suspend(id);
    GitHubException e =
        assertThrows(
            GitHubException.class,
            () -> client.mint(id, scope(List.of("svc-a"), Map.of("contents", "read"))));
    assertEquals(Kind.SUSPENDED, e.kind());
  }

  @Test
  void revocationTreats204And401AsRevoked() throws Exception {
    long id = client.installationId("acme");
    InstallationToken t = client.mint(id, scope(List.of("svc-a"), Map.of("contents", "read")));
    client.revoke(t.token());
    assertFalse(sim.isTokenActive(t.token()));
    client.revoke(t.token()); // 401 now: still fine
  }

  @Test
  void networkFailureIsUnavailableAfterRetries() throws Exception {
    // The JDK client itself repeats an idempotent GET once on a lost connection: arm plenty.
    sim.faults().dropConnectionNext(50);
    GitHubException e = assertThrows(GitHubException.class, () -> client.installationId("acme"));
    assertEquals(Kind.UNAVAILABLE, e.kind());
    assertEquals(2, sleeps.size(), "a lookup is retried");
  }
}
