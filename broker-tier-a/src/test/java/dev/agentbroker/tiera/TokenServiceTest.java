package dev.agentbroker.tiera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.audit.Appended;
import dev.agentbroker.audit.AuditEvent;
import dev.agentbroker.audit.AuditJournal;
import dev.agentbroker.audit.AuditUnavailableException;
import dev.agentbroker.audit.FileJournal;
import dev.agentbroker.audit.JournalConfig;
import dev.agentbroker.audit.JournalStats;
import dev.agentbroker.audit.TokenHashes;
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
import dev.agentbroker.tiera.github.GitHubAppClient;
import dev.agentbroker.tiera.github.GitHubSettings;
import dev.agentbroker.tiera.internal.Sleeper;
import dev.agentbroker.tiera.keys.FileAppJwtSigner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mint use case end to end below HTTP: real policy, real journal, simulated GitHub. */
class TokenServiceTest {
  static final String POLICY =
      """
      version: 1
      identities:
        - id: launcher
          issuer: https://issuer.test
          subject: "agent-launcher"
          profile: autonomous
          grants:
            - owner: acme
              repositories: ["svc-*", "docs"]
              permissions: {contents: write, pull_requests: write, issues: read}
      """;
  private static KeyPair appKey;
  private final MutableClock clock = new MutableClock(Instant.now());
  private final Caller caller = new Caller("https://issuer.test", "agent-launcher", Map.of());
  private final RequestMeta meta = new RequestMeta("req-1", "127.0.0.1");
  @TempDir Path dir;
  private GitHubSimulator sim;
  private GitHubAppClient github;
  private FileJournal journal;
  private CompiledPolicy policy;

  @BeforeAll
  static void keys() {
    appKey = TestKeys.rsa2048();
  }

  @BeforeEach
  void start() throws Exception {
    sim = GitHubSimulator.start(SimulatorFixture.demo(appKey.getPublic()), clock);
    github = appClient(sim, appKey, clock, d -> {});
    journal = FileJournal.open(JournalConfig.defaults(dir.resolve("journal")), clock);
    policy = PolicyCompiler.compile(POLICY, "test-policy.yaml");
  }

  @AfterEach
  void stop() {
    journal.close();
    sim.close();
  }

  private final LeaseRegistry leases = new LeaseRegistry(clock, 100);

  private TokenService service(AuditJournal j) {
    return new TokenService(() -> policy, github, j, leases, MintAdmission.UNLIMITED, clock);
  }

  private static TokenRequest request(String repo, Map<String, String> perms) {
    return new TokenRequest("acme", List.of(repo), List.of(), perms);
  }

  /** Tier A's GitHub client on the simulator, backing off through {@code sleeper}. */
  static GitHubAppClient appClient(
      GitHubSimulator sim, KeyPair appKey, MutableClock clock, Sleeper sleeper) {
    return GitHubAppClient.createForTest(
        GitHubSettings.defaults(sim.baseUri(), "424242"),
        FileAppJwtSigner.ofKey((RSAPrivateCrtKey) appKey.getPrivate()),
        clock,
        sleeper);
  }

  private List<String> journalLines() throws Exception {
    return journalLines(dir.resolve("journal"));
  }

  /** Every record of the journal in {@code journalDir}, oldest first, as raw lines. */
  static List<String> journalLines(Path journalDir) throws Exception {
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(journalDir)) {
      for (Path p : files.sorted().toList()) {
        if (p.getFileName().toString().startsWith("segment-")) {
          out.addAll(Files.readAllLines(p));
        }
      }
    }
    return out;
  }

  @Test
  void allowedMintIsJournaledTwiceWithTheTokenHashOnly() throws Exception {
    MintResult r =
        service(journal).mint(caller, request("svc-a", Map.of("contents", "write")), meta);
    MintResult.Issued issued = assertInstanceOf(MintResult.Issued.class, r);
    String token = issued.token().token();
    List<String> lines = journalLines();
    assertEquals(2, lines.size(), "intent, then issuance");
    assertTrue(lines.get(0).contains("\"intent\""));
    assertTrue(lines.get(1).contains(TokenHashes.sha256Hex(token)));
    assertTrue(lines.get(1).contains(issued.lease().leaseId()));
    assertTrue(token.length() > 500, "GitHub's stateless format, as the simulator now issues");
    // GitHub's audit-log field beside ours, computed the way GitHub's docs do (openssl | base64).
    String hashed = SplunkSearchesTest.openSslStyleHashedToken(token);
    assertTrue(
        lines
            .get(1)
            .contains(
                "\"token_sha256\":\""
                    + TokenHashes.sha256Hex(token)
                    + "\",\"hashed_token\":\""
                    + hashed
                    + "\""),
        lines.get(1));
    String mintId = lines.get(0).replaceAll(".*\"mint_id\":\"([^\"]+)\".*", "$1");
    assertTrue(lines.get(1).contains("\"mint_id\":\"" + mintId + "\""), "one mint_id for both");
    assertTrue(lines.get(1).contains("\"phase\":\"issued\""));
    for (String l : lines) {
      assertFalse(l.contains(token), "the token itself never reaches the journal");
    }
    assertEquals(Map.of("contents", "write"), sim.mintRequests().get(0).permissions());
  }

  @Test
  void denialIsJournaledAndNothingIsMinted() throws Exception {
    MintResult r =
        service(journal).mint(caller, request("secret-repo", Map.of("contents", "read")), meta);
    MintResult.Refused refused = assertInstanceOf(MintResult.Refused.class, r);
    assertEquals(ErrorCode.POLICY_DENIED, refused.code());
    assertEquals("repository_not_granted", refused.reason());
    assertTrue(sim.mintRequests().isEmpty());
    List<String> lines = journalLines();
    assertEquals(1, lines.size());
    assertTrue(lines.get(0).contains("\"denied\""));
    assertTrue(lines.get(0).contains("repository_not_granted"));
  }

  @Test
  void gitHubRefusalIsJournaledAsDeniedWithGitHubsReason() throws Exception {
    // "svc-zzz" matches the grant's glob but does not exist in the installation.
    MintResult r =
        service(journal).mint(caller, request("svc-zzz", Map.of("contents", "read")), meta);
    MintResult.Refused refused = assertInstanceOf(MintResult.Refused.class, r);
    assertEquals(ErrorCode.GITHUB_REJECTED, refused.code());
    assertTrue(refused.detail().contains("not accessible to the parent installation"));
    List<String> lines = journalLines();
    assertEquals(2, lines.size());
    assertTrue(lines.get(1).contains("github_scope_rejected"));
  }

  @Test
  void anAmbiguousMintIsJournaledAndNotRetried() throws Exception {
    sim.faults().mintThenDropNext(1);
    MintResult r =
        service(journal).mint(caller, request("svc-a", Map.of("contents", "read")), meta);
    MintResult.Refused refused = assertInstanceOf(MintResult.Refused.class, r);
    assertEquals(ErrorCode.UPSTREAM_UNAVAILABLE, refused.code());
    assertEquals("github_mint_ambiguous", refused.reason());
    assertEquals(1, sim.mintRequests().size(), "one POST");
    assertEquals(1, sim.issuedTokenCount(), "GitHub holds one token nobody received");
    List<String> lines = journalLines();
    assertEquals(2, lines.size(), "intent, then the ambiguous outcome");
    assertTrue(lines.get(1).contains("github_mint_ambiguous"), lines.get(1));
    assertTrue(lines.get(1).contains("\"error\""), lines.get(1));
  }

  @Test
  void journalDownBeforeMintRefusesAndMintsNothing() {
    AuditJournal broken = failingAfter(0);
    MintResult r = service(broken).mint(caller, request("svc-a", Map.of("contents", "read")), meta);
    MintResult.Refused refused = assertInstanceOf(MintResult.Refused.class, r);
    assertEquals(ErrorCode.AUDIT_UNAVAILABLE, refused.code());
    assertTrue(sim.mintRequests().isEmpty(), "journal first: no GitHub call");
  }

  @Test
  void journalFailingAfterMintRevokesTheUnrecordedToken() {
    AuditJournal flaky = failingAfter(1);
    MintResult r = service(flaky).mint(caller, request("svc-a", Map.of("contents", "read")), meta);
    assertEquals(ErrorCode.AUDIT_UNAVAILABLE, ((MintResult.Refused) r).code());
    assertEquals(1, sim.issuedTokenCount());
    assertEquals(0, sim.activeTokenCount(), "the token that could not be journaled is revoked");
    assertEquals(0, leases.size(), "and its lease (stored before the issuance) dropped");
  }

  @Test
  void revokeOnlyByTheMintingIdentity() throws Exception {
    TokenService s = service(journal);
    MintResult.Issued issued =
        (MintResult.Issued) s.mint(caller, request("docs", Map.of("issues", "read")), meta);
    String leaseId = issued.lease().leaseId();
    assertInstanceOf(RevokeResult.Refused.class, s.revoke("someone-else", leaseId, meta));
    assertTrue(sim.isTokenActive(issued.token().token()));
    assertInstanceOf(RevokeResult.Revoked.class, s.revoke("launcher", leaseId, meta));
    assertFalse(sim.isTokenActive(issued.token().token()));
    assertInstanceOf(RevokeResult.Refused.class, s.revoke("launcher", leaseId, meta));
  }

  @Test
  void expiredLeasesCannotBeRevokedAndArePurged() {
    TokenService s =
        new TokenService(() -> policy, github, journal, leases, MintAdmission.UNLIMITED, clock);
    MintResult.Issued issued =
        (MintResult.Issued) s.mint(caller, request("docs", Map.of("issues", "read")), meta);
    clock.advance(Duration.ofMinutes(61));
    assertEquals(1, leases.purgeExpired());
    assertInstanceOf(
        RevokeResult.Refused.class, s.revoke("launcher", issued.lease().leaseId(), meta));
  }

  /** The real journal, made to fail from the (n+1)-th append on, as a full disk would. */
  private AuditJournal failingAfter(int okAppends) {
    AtomicInteger count = new AtomicInteger();
    return new AuditJournal() {
      @Override
      public Appended append(AuditEvent event) throws AuditUnavailableException {
        if (count.getAndIncrement() >= okAppends) {
          throw new AuditUnavailableException(
              AuditUnavailableException.Reason.IO_ERROR, "simulated: no space left on device");
        }
        return journal.append(event);
      }

      @Override
      public JournalStats stats() {
        return journal.stats();
      }

      @Override
      public void close() {}
    };
  }
}
