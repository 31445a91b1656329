package dev.agentbroker.broker.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.agentbroker.audit.FileJournal;
import dev.agentbroker.audit.JournalConfig;
import dev.agentbroker.broker.ratelimit.TestRedis;
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
import dev.agentbroker.tiera.MintResult;
import dev.agentbroker.tiera.RevokeResult;
import dev.agentbroker.tiera.TokenService;
import dev.agentbroker.tiera.github.GitHubAppClient;
import dev.agentbroker.tiera.github.GitHubSettings;
import dev.agentbroker.tiera.keys.FileAppJwtSigner;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two broker replicas (two {@link TokenService}s, each with its own Redis client and journal) on
 * one Redis and one GitHub: a lease minted by one is revoked by the other, and when both revoke the
 * same lease at once exactly one revokes it at GitHub and succeeds, the other answers 404.
 */
class SharedLeaseRevocationTest {
  private static final String POLICY =
      """
      version: 1
      identities:
        - id: launcher
          issuer: https://issuer.test
          subject: "agent-launcher"
          profile: autonomous
          grants:
            - owner: acme
              repositories: ["docs"]
              permissions: {contents: read}
      """;
  private final MutableClock clock = new MutableClock(Instant.now());
  private final Caller caller = new Caller("https://issuer.test", "agent-launcher", Map.of());
  private final RequestMeta meta = new RequestMeta("req-1", "127.0.0.1");
  private final TokenRequest docsRead =
      new TokenRequest("acme", List.of("docs"), List.of(), Map.of("contents", "read"));
  @TempDir Path dir;
  private Vertx vertx;
  private GitHubSimulator sim;
  private SharedRedis redisA;
  private SharedRedis redisB;
  private FileJournal journalA;
  private FileJournal journalB;
  private TokenService replicaA;
  private TokenService replicaB;

  @BeforeEach
  void start() throws Exception {
    KeyPair appKey = TestKeys.rsa2048();
    sim = GitHubSimulator.start(SimulatorFixture.demo(appKey.getPublic()), clock);
    vertx = Vertx.vertx();
    byte[] sealKey = new byte[32];
    new SecureRandom().nextBytes(sealKey);
    String prefix = "test:" + UUID.randomUUID() + ":";
    CompiledPolicy policy = PolicyCompiler.compile(POLICY, "policy.yaml");
    redisA = new SharedRedis(vertx, TestRedis.shared().url(), Duration.ofSeconds(2));
    redisB = new SharedRedis(vertx, TestRedis.shared().url(), Duration.ofSeconds(2));
    journalA = FileJournal.open(JournalConfig.defaults(dir.resolve("a")), clock);
    journalB = FileJournal.open(JournalConfig.defaults(dir.resolve("b")), clock);
    GitHubAppClient github =
        GitHubAppClient.create(
            GitHubSettings.defaults(sim.baseUri(), "424242"),
            FileAppJwtSigner.ofKey((RSAPrivateCrtKey) appKey.getPrivate()),
            clock);
    replicaA =
        new TokenService(
            () -> policy,
            github,
            journalA,
            new RedisLeaseStore(redisA, new Sealer(sealKey), prefix, clock),
            MintAdmission.UNLIMITED,
            clock);
    replicaB =
        new TokenService(
            () -> policy,
            github,
            journalB,
            new RedisLeaseStore(redisB, new Sealer(sealKey), prefix, clock),
            MintAdmission.UNLIMITED,
            clock);
  }

  @AfterEach
  void stop() {
    journalA.close();
    journalB.close();
    redisA.close();
    redisB.close();
    vertx.close();
    sim.close();
  }

  private MintResult.Issued mintOnA() {
    return assertInstanceOf(MintResult.Issued.class, replicaA.mint(caller, docsRead, meta));
  }

  private long githubRevocations() {
    return sim.requests().stream().filter(r -> r.method().equals("DELETE")).count();
  }

  @Test
  void aLeaseMintedOnOneReplicaIsRevokedOnTheOther() {
    MintResult.Issued issued = mintOnA();
    assertInstanceOf(
        RevokeResult.Revoked.class, replicaB.revoke("launcher", issued.lease().leaseId(), meta));
    assertFalse(sim.isTokenActive(issued.token().token()));
    RevokeResult.Refused again =
        assertInstanceOf(
            RevokeResult.Refused.class,
            replicaA.revoke("launcher", issued.lease().leaseId(), meta));
    assertEquals(ErrorCode.NOT_FOUND, again.code());
  }

  @Test
  void twoReplicasRevokingOneLeaseAtOnceExactlyOneRevokesAtGitHub() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      int rounds = 20;
      for (int round = 0; round < rounds; round++) {
        String leaseId = mintOnA().lease().leaseId();
        CountDownLatch go = new CountDownLatch(1);
        Future<RevokeResult> a =
            pool.submit(
                () -> {
                  go.await();
                  return replicaA.revoke("launcher", leaseId, meta);
                });
        Future<RevokeResult> b =
            pool.submit(
                () -> {
                  go.await();
                  return replicaB.revoke("launcher", leaseId, meta);
                });
        go.countDown();
        List<RevokeResult> results = List.of(a.get(), b.get());
        assertEquals(
            1,
            results.stream().filter(RevokeResult.Revoked.class::isInstance).count(),
            "round " + round + ": " + results);
        RevokeResult.Refused loser =
            (RevokeResult.Refused)
                results.stream().filter(RevokeResult.Refused.class::isInstance).findFirst().get();
        assertEquals(ErrorCode.NOT_FOUND, loser.code());
      }
      assertEquals(rounds, githubRevocations(), "one GitHub revocation per lease");
      assertEquals(0, sim.activeTokenCount());
    } finally {
      pool.shutdownNow();
    }
  }
}
