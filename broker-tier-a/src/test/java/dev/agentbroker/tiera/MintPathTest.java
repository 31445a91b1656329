package dev.agentbroker.tiera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.audit.AppendCallback;
import dev.agentbroker.audit.Appended;
import dev.agentbroker.audit.AuditEvent;
import dev.agentbroker.audit.AuditJournal;
import dev.agentbroker.audit.AuditUnavailableException;
import dev.agentbroker.audit.FileJournal;
import dev.agentbroker.audit.JournalConfig;
import dev.agentbroker.audit.JournalStats;
import dev.agentbroker.policy.Caller;
import dev.agentbroker.policy.CompiledPolicy;
import dev.agentbroker.policy.PolicyCompiler;
import dev.agentbroker.policy.TokenRequest;
import dev.agentbroker.request.ErrorCode;
import dev.agentbroker.request.RequestMeta;
import dev.agentbroker.request.admission.Admission;
import dev.agentbroker.request.admission.MintAdmission;
import dev.agentbroker.request.admission.RateDecision;
import dev.agentbroker.testkit.MutableClock;
import dev.agentbroker.testkit.TestKeys;
import dev.agentbroker.testkit.github.GitHubSimulator;
import dev.agentbroker.testkit.github.SimulatorFixture;
import dev.agentbroker.tiera.github.GitHubAppClient;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mint is one path: one policy evaluation, admission after the decision, one journal wait. Real
 * policy, real journal (wrapped to count and to inject failures), simulated GitHub.
 */
class MintPathTest {
  private static KeyPair appKey;
  private final MutableClock clock = new MutableClock(Instant.now());
  private final Caller caller = new Caller("https://issuer.test", "agent-launcher", Map.of());
  private final Caller stranger = new Caller("https://issuer.test", "nobody", Map.of());
  private final RequestMeta meta = new RequestMeta("req-1", "127.0.0.1");
  @TempDir Path dir;
  private GitHubSimulator sim;
  private GitHubAppClient github;
  private FileJournal journal;
  private CompiledPolicy policy;
  private final AtomicInteger evaluations = new AtomicInteger();
  private final List<String> admitted = new ArrayList<>();

  @BeforeAll
  static void keys() {
    appKey = TestKeys.rsa2048();
  }

  @BeforeEach
  void start() throws Exception {
    sim = GitHubSimulator.start(SimulatorFixture.demo(appKey.getPublic()), clock);
    github = TokenServiceTest.appClient(sim, appKey, clock, d -> {});
    journal = FileJournal.open(JournalConfig.defaults(dir.resolve("journal")), clock);
    policy = PolicyCompiler.compile(TokenServiceTest.POLICY, "test-policy.yaml");
  }

  @AfterEach
  void stop() {
    journal.close();
    sim.close();
  }

  private TokenService service(AuditJournal j, MintAdmission admission) {
    Supplier<CompiledPolicy> counted =
        () -> {
          evaluations.incrementAndGet();
          return policy;
        };
    MintAdmission recorded =
        (identity, callsGitHub) -> {
          admitted.add(identity + "/" + callsGitHub);
          return admission.admit(identity, callsGitHub);
        };
    return new TokenService(counted, github, j, new LeaseRegistry(clock, 100), recorded, clock);
  }

  private static TokenRequest request(String repo) {
    return new TokenRequest("acme", List.of(repo), List.of(), Map.of("contents", "read"));
  }

  private static Admission limited(String reason) {
    return new Admission(
        Admission.Result.LIMITED, reason, new RateDecision(false, 5, 0, Duration.ofMillis(1500)));
  }

  @Test
  void anAllowedMintEvaluatesThePolicyOnceAndSpendsBothBudgetsOnce() {
    MintResult r = service(journal, MintAdmission.UNLIMITED).mint(caller, request("svc-a"), meta);
    assertInstanceOf(MintResult.Issued.class, r);
    assertEquals(1, evaluations.get(), "one policy evaluation per mint");
    assertEquals(List.of("launcher/true"), admitted, "admitted once, as a GitHub-calling request");
  }

  @Test
  void aPolicyDenialSpendsOnlyTheIdentityBudget() {
    MintResult r =
        service(journal, MintAdmission.UNLIMITED).mint(caller, request("secret-repo"), meta);
    assertEquals(ErrorCode.POLICY_DENIED, ((MintResult.Refused) r).code());
    assertEquals(List.of("launcher/false"), admitted);
  }

  @Test
  void anUnknownCallerHasNoBudgetAndIsDeniedAndJournaled() throws Exception {
    MintResult r = service(journal, MintAdmission.UNLIMITED).mint(stranger, request("svc-a"), meta);
    assertEquals(ErrorCode.POLICY_DENIED, ((MintResult.Refused) r).code());
    assertTrue(admitted.isEmpty(), "nothing to count against");
    assertEquals(1, journal.stats().appended());
  }

  @Test
  void aRateLimitRefusalIsJournaledWithItsRuleAndCarriesTheHeaders() throws Exception {
    MintResult r =
        service(journal, (id, gh) -> limited("rate_limited")).mint(caller, request("svc-a"), meta);
    MintResult.Refused refused = assertInstanceOf(MintResult.Refused.class, r);
    assertEquals(ErrorCode.RATE_LIMITED, refused.code());
    assertEquals(Duration.ofSeconds(2), refused.retryAfter().orElseThrow(), "rounded up");
    assertEquals(Map.of("RateLimit-Limit", "5", "RateLimit-Remaining", "0"), refused.headers());
    assertTrue(sim.mintRequests().isEmpty());
    String line = journalLine(0);
    assertTrue(line.contains("\"outcome\":\"denied\""), line);
    assertTrue(line.contains("\"reason\":\"rate_limited\""), line);
    assertTrue(line.contains("\"rule_id\":\"ratelimit/token\""), line);
    assertTrue(line.contains("\"phase\":\"decision\""), line);
  }

  @Test
  void theGlobalBudgetRefusalNamesItsOwnRule() throws Exception {
    MintResult r =
        service(journal, (id, gh) -> limited(Admission.GLOBAL_BUDGET))
            .mint(caller, request("svc-a"), meta);
    assertEquals(ErrorCode.RATE_LIMITED, ((MintResult.Refused) r).code());
    assertTrue(journalLine(0).contains("\"rule_id\":\"ratelimit/global\""));
  }

  @Test
  void anUnavailableLimiterFailsClosedAsAnError() throws Exception {
    Admission down = new Admission(Admission.Result.UNAVAILABLE, "rate_limiter_unavailable", null);
    MintResult r = service(journal, (id, gh) -> down).mint(caller, request("svc-a"), meta);
    MintResult.Refused refused = assertInstanceOf(MintResult.Refused.class, r);
    assertEquals(ErrorCode.RATE_LIMITER_UNAVAILABLE, refused.code());
    assertEquals(Duration.ofSeconds(5), refused.retryAfter().orElseThrow());
    assertTrue(sim.mintRequests().isEmpty());
    assertTrue(journalLine(0).contains("\"outcome\":\"error\""));
  }

  @Test
  void aRateLimitRefusalThatCannotBeJournaledIsAuditUnavailable() {
    MintResult r =
        service(failing(0, new ArrayList<>()), (id, gh) -> limited("rate_limited"))
            .mint(caller, request("svc-a"), meta);
    assertEquals(ErrorCode.AUDIT_UNAVAILABLE, ((MintResult.Refused) r).code());
  }

  @Test
  void anAllowedMintWaitsForTheJournalOnce() throws Exception {
    List<String> calls = new ArrayList<>();
    MintResult r =
        service(failing(Integer.MAX_VALUE, calls), MintAdmission.UNLIMITED)
            .mint(caller, request("svc-a"), meta);
    assertInstanceOf(MintResult.Issued.class, r);
    assertEquals(List.of("async:intent", "sync:issued"), calls, "the intent is not awaited");
    assertEquals(2, journal.stats().appended(), "both are durable when the token is returned");
  }

  @Test
  void whileTheJournalIsUnhealthyTheIntentIsAwaitedBeforeGitHubIsCalled() {
    List<String> calls = new ArrayList<>();
    AuditJournal unhealthy =
        new ForwardingJournal(journal) {
          @Override
          public boolean healthy() {
            return false;
          }

          @Override
          public Appended append(AuditEvent event) throws AuditUnavailableException {
            calls.add("sync:" + event.details().get(TokenService.PHASE));
            if (calls.size() == 1) {
              throw full();
            }
            return super.append(event);
          }
        };
    TokenService s = service(unhealthy, MintAdmission.UNLIMITED);
    MintResult r = s.mint(caller, request("svc-a"), meta);
    assertEquals(ErrorCode.AUDIT_UNAVAILABLE, ((MintResult.Refused) r).code());
    assertTrue(sim.mintRequests().isEmpty(), "journal first while it is failing");
    assertInstanceOf(MintResult.Issued.class, s.mint(caller, request("svc-a"), meta));
    assertEquals(List.of("sync:intent", "sync:intent", "sync:issued"), calls);
  }

  @Test
  void anIntentRefusedUpFrontMintsNothing() {
    MintResult r =
        service(failing(0, new ArrayList<>()), MintAdmission.UNLIMITED)
            .mint(caller, request("svc-a"), meta);
    assertEquals(ErrorCode.AUDIT_UNAVAILABLE, ((MintResult.Refused) r).code());
    assertTrue(sim.mintRequests().isEmpty(), "journal first: no GitHub call");
  }

  @Test
  void anIntentLostAfterTheCallLeavesTheIssuanceAsTheDurableRecord() throws Exception {
    List<AppendCallback> pending = new ArrayList<>();
    AuditJournal queuesIntent =
        new ForwardingJournal(journal) {
          @Override
          public void appendAsync(AuditEvent event, AppendCallback callback) {
            pending.add(callback); // never written: reported failed while GitHub is called
          }
        };
    // GitHub's first answer is a 502, so the client backs off once: the journal's writer reports
    // the intent lost during that wait, after the up-front check and before the issuance.
    sim.faults().failNextMatching("/installation", 1, 502);
    GitHubAppClient slow =
        TokenServiceTest.appClient(
            sim, appKey, clock, d -> pending.forEach(c -> c.done(null, full())));
    TokenService s =
        new TokenService(
            () -> policy,
            slow,
            queuesIntent,
            new LeaseRegistry(clock, 100),
            MintAdmission.UNLIMITED,
            clock);
    MintResult r = s.mint(caller, request("svc-a"), meta);
    assertInstanceOf(MintResult.Issued.class, r);
    assertEquals(1, pending.size());
    String issued = journalLine(0);
    assertTrue(issued.contains("\"phase\":\"issued\""), issued);
    assertTrue(issued.contains("\"intent\":\"lost\""), issued);
    assertTrue(issued.contains("\"rule_id\":\"launcher/grants[0]\""), "it carries the decision");
  }

  private String journalLine(int i) throws Exception {
    return TokenServiceTest.journalLines(dir.resolve("journal")).get(i);
  }

  /** The real journal, failing from the (n+1)-th append on; records each call's kind and phase. */
  private AuditJournal failing(int okAppends, List<String> calls) {
    AtomicInteger count = new AtomicInteger();
    return new ForwardingJournal(journal) {
      @Override
      public void appendAsync(AuditEvent event, AppendCallback callback) {
        calls.add("async:" + event.details().get(TokenService.PHASE));
        if (count.getAndIncrement() >= okAppends) {
          callback.done(null, full());
          return;
        }
        super.appendAsync(event, callback);
      }

      @Override
      public Appended append(AuditEvent event) throws AuditUnavailableException {
        calls.add("sync:" + event.details().get(TokenService.PHASE));
        if (count.getAndIncrement() >= okAppends) {
          throw full();
        }
        return super.append(event);
      }
    };
  }

  private static AuditUnavailableException full() {
    return new AuditUnavailableException(
        AuditUnavailableException.Reason.IO_ERROR, "simulated: no space left on device");
  }

  /** Forwards to the real journal; tests override what they need to observe or break. */
  private static class ForwardingJournal implements AuditJournal {
    private final FileJournal target;

    ForwardingJournal(FileJournal target) {
      this.target = target;
    }

    @Override
    public Appended append(AuditEvent event) throws AuditUnavailableException {
      return target.append(event);
    }

    @Override
    public void appendAsync(AuditEvent event, AppendCallback callback) {
      target.appendAsync(event, callback);
    }

    @Override
    public JournalStats stats() {
      return target.stats();
    }

    @Override
    public void close() {}
  }
}
