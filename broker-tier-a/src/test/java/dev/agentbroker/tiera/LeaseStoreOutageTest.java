package dev.agentbroker.tiera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.audit.FileJournal;
import dev.agentbroker.audit.JournalConfig;
import dev.agentbroker.policy.Caller;
import dev.agentbroker.policy.CompiledPolicy;
import dev.agentbroker.policy.PolicyCompiler;
import dev.agentbroker.policy.TokenRequest;
import dev.agentbroker.request.ErrorCode;
import dev.agentbroker.request.RequestMeta;
import dev.agentbroker.request.admission.MintAdmission;
import dev.agentbroker.testkit.MutableClock;
import dev.agentbroker.testkit.TestKeys;
import dev.agentbroker.testkit.github.GitHubSimulator;
import dev.agentbroker.testkit.github.SimulatorFixture;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link TokenService} fails closed when its {@link LeaseStore} cannot answer: a token whose lease
 * cannot be stored is revoked at GitHub and never returned, and a revocation the store cannot
 * confirm is {@code 503 state_unavailable}, never {@code 404}. Real policy, journal and GitHub
 * simulator; the store is a real {@link LeaseRegistry} behind {@link FailingStore}, which fails the
 * operations a case names, as a Redis that went away would.
 */
class LeaseStoreOutageTest {
  private static KeyPair appKey;
  private final MutableClock clock = new MutableClock(Instant.now());
  private final Caller caller = new Caller("https://issuer.test", "agent-launcher", Map.of());
  private final RequestMeta meta = new RequestMeta("req-1", "127.0.0.1");
  @TempDir Path dir;
  private GitHubSimulator sim;
  private FileJournal journal;
  private CompiledPolicy policy;
  private FailingStore store;
  private TokenService service;

  enum Op {
    HAS_ROOM,
    PUT,
    GET,
    REMOVE
  }

  /** A real registry that throws on the operations in {@link #failing}; or loses every claim. */
  static final class FailingStore implements LeaseStore {
    final LeaseRegistry real;
    final Set<Op> failing = EnumSet.noneOf(Op.class);
    boolean claimsLost;

    FailingStore(LeaseRegistry real) {
      this.real = real;
    }

    private void check(Op op) throws LeaseStoreUnavailableException {
      if (failing.contains(op)) {
        throw new LeaseStoreUnavailableException("simulated: lease store did not answer");
      }
    }

    @Override
    public String newLeaseId() {
      return real.newLeaseId();
    }

    @Override
    public boolean hasRoom() throws LeaseStoreUnavailableException {
      check(Op.HAS_ROOM);
      return real.hasRoom();
    }

    @Override
    public void put(Lease lease) throws LeaseStoreUnavailableException {
      check(Op.PUT);
      real.put(lease);
    }

    @Override
    public Optional<Lease> get(String leaseId) throws LeaseStoreUnavailableException {
      check(Op.GET);
      return real.get(leaseId);
    }

    @Override
    public boolean remove(Lease lease) throws LeaseStoreUnavailableException {
      check(Op.REMOVE);
      if (claimsLost) {
        real.remove(lease); // another replica's claim lands first
      }
      return real.remove(lease);
    }

    @Override
    public int purgeExpired() {
      return real.purgeExpired();
    }

    @Override
    public int size() {
      return real.size();
    }
  }

  @BeforeAll
  static void keys() {
    appKey = TestKeys.rsa2048();
  }

  @BeforeEach
  void start() throws Exception {
    sim = GitHubSimulator.start(SimulatorFixture.demo(appKey.getPublic()), clock);
    journal = FileJournal.open(JournalConfig.defaults(dir.resolve("journal")), clock);
    policy = PolicyCompiler.compile(TokenServiceTest.POLICY, "test-policy.yaml");
    store = new FailingStore(new LeaseRegistry(clock, 100));
    service =
        new TokenService(
            () -> policy,
            TokenServiceTest.appClient(sim, appKey, clock, d -> {}),
            journal,
            store,
            MintAdmission.UNLIMITED,
            clock);
  }

  @AfterEach
  void stop() {
    journal.close();
    sim.close();
  }

  private MintResult mint() {
    return service.mint(
        caller,
        new TokenRequest("acme", List.of("svc-a"), List.of(), Map.of("contents", "read")),
        meta);
  }

  private List<String> journalLines() throws Exception {
    return TokenServiceTest.journalLines(dir.resolve("journal"));
  }

  static Stream<Arguments> mintOutages() {
    return Stream.of(
        // name, failing op, GitHub called?
        Arguments.of("store down before GitHub: nothing minted", Op.HAS_ROOM, false),
        Arguments.of("store down after GitHub: token revoked", Op.PUT, true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mintOutages")
  void mintFailsClosedWithStateUnavailable(String name, Op op, boolean githubCalled)
      throws Exception {
    store.failing.add(op);
    MintResult.Refused r = assertInstanceOf(MintResult.Refused.class, mint());
    assertEquals(ErrorCode.STATE_UNAVAILABLE, r.code());
    assertEquals("state_unavailable", r.reason());
    assertEquals(githubCalled ? 1 : 0, sim.issuedTokenCount(), "GitHub mints");
    assertEquals(0, sim.activeTokenCount(), "no token left alive");
    assertEquals(0, store.real.size());
    List<String> lines = journalLines();
    assertEquals(2, lines.size(), "intent, then failed: " + lines);
    assertTrue(lines.get(0).contains("\"intent\""), lines.get(0));
    assertTrue(lines.get(1).contains("\"failed\""), lines.get(1));
    assertTrue(lines.get(1).contains("\"state_unavailable\""), lines.get(1));
    assertFalse(lines.stream().anyMatch(l -> l.contains("\"issued\"")), "never an issuance");
    if (githubCalled) {
      // The revoked token's hash joins GitHub's audit log; whether the revocation took is said.
      assertTrue(lines.get(1).matches(".*\"token_sha256\":\"[0-9a-f]{64}\".*"), lines.get(1));
      assertTrue(lines.get(1).contains("\"token_revoked\":\"true\""), lines.get(1));
    }
  }

  static Stream<Arguments> revokeOutages() {
    return Stream.of(
        Arguments.of("store down reading the lease", Op.GET),
        Arguments.of("store down claiming the lease", Op.REMOVE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("revokeOutages")
  void revokeFailsClosedWithStateUnavailableNever404(String name, Op op) throws Exception {
    MintResult.Issued issued = assertInstanceOf(MintResult.Issued.class, mint());
    store.failing.add(op);
    RevokeResult.Refused r =
        assertInstanceOf(
            RevokeResult.Refused.class, service.revoke("launcher", issued.lease().leaseId(), meta));
    assertEquals(ErrorCode.STATE_UNAVAILABLE, r.code());
    assertTrue(sim.isTokenActive(issued.token().token()), "not revoked behind the outage");
    assertEquals(1, store.real.size(), "the lease is kept");
    store.failing.clear();
    assertInstanceOf(
        RevokeResult.Revoked.class, service.revoke("launcher", issued.lease().leaseId(), meta));
    assertFalse(sim.isTokenActive(issued.token().token()));
  }

  @Test
  void aLostClaimAnswersNotFoundAndLeavesGitHubToTheWinner() throws Exception {
    MintResult.Issued issued = assertInstanceOf(MintResult.Issued.class, mint());
    store.claimsLost = true;
    int before = sim.requests().size();
    RevokeResult.Refused r =
        assertInstanceOf(
            RevokeResult.Refused.class, service.revoke("launcher", issued.lease().leaseId(), meta));
    assertEquals(ErrorCode.NOT_FOUND, r.code());
    assertEquals(before, sim.requests().size(), "the loser calls GitHub not at all");
    assertFalse(
        journalLines().stream().anyMatch(l -> l.contains("token.revoke")),
        "only the winner journals the revocation");
  }

  @Test
  void aFailedGitHubRevocationPutsTheLeaseBackForARetry() throws Exception {
    MintResult.Issued issued = assertInstanceOf(MintResult.Issued.class, mint());
    sim.faults().failNextMatching("/installation/token", 20, 500); // more than every retry
    RevokeResult.Refused r =
        assertInstanceOf(
            RevokeResult.Refused.class, service.revoke("launcher", issued.lease().leaseId(), meta));
    assertTrue(r.reason().startsWith("github_"), r.reason());
    assertEquals(1, store.real.size(), "the lease is back");
    sim.faults().clear();
    assertInstanceOf(
        RevokeResult.Revoked.class, service.revoke("launcher", issued.lease().leaseId(), meta));
    assertFalse(sim.isTokenActive(issued.token().token()));
  }
}
