package dev.agentbroker.tiera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentbroker.audit.Appended;
import dev.agentbroker.audit.AuditEvent;
import dev.agentbroker.audit.AuditJournal;
import dev.agentbroker.audit.AuditUnavailableException;
import dev.agentbroker.audit.FileJournal;
import dev.agentbroker.audit.JournalConfig;
import dev.agentbroker.audit.JournalStats;
import dev.agentbroker.audit.Outcomes;
import dev.agentbroker.audit.ShippingCursor;
import dev.agentbroker.audit.hec.HecConfig;
import dev.agentbroker.audit.hec.HecShipper;
import dev.agentbroker.policy.Caller;
import dev.agentbroker.policy.PolicyCompiler;
import dev.agentbroker.policy.TokenRequest;
import dev.agentbroker.request.RequestMeta;
import dev.agentbroker.request.admission.MintAdmission;
import dev.agentbroker.testkit.MutableClock;
import dev.agentbroker.testkit.TestKeys;
import dev.agentbroker.testkit.github.GitHubSimulator;
import dev.agentbroker.testkit.github.SimulatorFixture;
import dev.agentbroker.testkit.hec.HecReceiver;
import dev.agentbroker.testkit.hec.HecReceiverSettings;
import dev.agentbroker.testkit.hec.ReceivedEvent;
import dev.agentbroker.testkit.splunk.SplSearch;
import dev.agentbroker.testkit.splunk.SplunkContent;
import dev.agentbroker.tiera.github.GitHubAppClient;
import dev.agentbroker.tiera.github.GitHubSettings;
import dev.agentbroker.tiera.keys.FileAppJwtSigner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every committed Splunk search (docs/splunk) over audit events from a real journal: Tier A's
 * real mints (an intent/issuance pair, a policy denial, a GitHub refusal after the intent, a
 * journal failure at issuance), shipped by the real HEC shipper to the strict receiver with a lost
 * reply so events arrive twice. The counts must be per event_id and per issuance.
 */
class SplunkSearchesTest {
  static final Path SPLUNK = Path.of("..", "docs", "splunk");

  /** Shipping-health searches look at raw deliveries on purpose (and count with dc(seq)). */
  static final Set<String> DELIVERY_HEALTH =
      Set.of("ds_backlog", "ds_gaps", "agent-broker - shipping lag");

  /** Searches whose subject is the intent itself. */
  static final Set<String> INTENT_SIGNAL =
      Set.of("ds_mint_unfinished", "agent-broker - mint intent without issuance");

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
  private static final ObjectMapper JSON = new ObjectMapper();
  private static KeyPair appKey;
  @TempDir Path dir;

  @BeforeAll
  static void keys() {
    appKey = TestKeys.rsa2048();
  }

  /** What the scenario produced, besides the shipped events. */
  record Run(List<Map<String, Object>> delivered, String issuedToken, double now) {}

  @Test
  void searchesCountIssuancesAndEachEventIdOnce() throws Exception {
    Run run = scenario();
    Map<String, String> searches = SplunkContent.searches(SPLUNK);
    List<Map<String, Object>> delivered = run.delivered();
    assertTrue(
        delivered.size() > distinct(delivered).size(),
        "the lost reply really duplicated events: " + delivered.size());

    assertEquals(1.0, total(run("ds_mints", searches, delivered, run.now()), "launcher"));
    assertEquals(
        Map.of("allowed", 1.0, "denied", 2.0),
        byField(run("ds_mint_outcomes", searches, delivered, run.now()), "outcome", "count"));
    assertEquals(
        Map.of("refused_after_intent", 1.0, "no_outcome_recorded", 1.0),
        countBy(run("ds_mint_unfinished", searches, delivered, run.now()), "cause"));
    assertEquals(
        Map.of("refused_after_intent", 1.0, "no_outcome_recorded", 1.0),
        countBy(
            run("agent-broker - mint intent without issuance", searches, delivered, run.now()),
            "cause"));
    assertEquals(
        Map.of("repository_not_granted", 1.0, "github_scope_rejected", 1.0),
        byField(run("ds_denials", searches, delivered, run.now()), "reason", "count"));
    assertEquals(
        Map.of("verb.add-topic", 1.0),
        byField(run("ds_verbs", searches, delivered, run.now()), "action", "count"));
    assertEquals(1, run("ds_breakglass", searches, delivered, run.now()).size());
    assertEquals(1, run("agent-broker - break-glass used", searches, delivered, run.now()).size());
    assertEquals(
        Map.of("evil.example", 1.0),
        byField(run("ds_egress", searches, delivered, run.now()), "details.host", "count"));

    List<Map<String, Object>> joined =
        run("agent-broker - GitHub activity per issued token", searches, delivered, run.now());
    assertEquals(1, joined.size(), joined.toString());
    assertEquals(openSslStyleHashedToken(run.issuedToken()), joined.get(0).get("hashed_token"));
    assertEquals(1.0, joined.get(0).get("issuances"));
    assertEquals(
        List.of("git.clone", "git.push"), joined.get(0).get("github_actions"), "GitHub's side");

    assertEquals(List.of(), problems(searches, distinct(delivered), run.now()));
  }

  /** The checks fail for a search without dedup, and for a mint panel that counts intents. */
  @Test
  void theChecksCatchAMissingDedupAndCountedIntents() throws Exception {
    Run run = scenario();
    Map<String, String> searches = SplunkContent.searches(SPLUNK);
    Map<String, String> broken = new LinkedHashMap<>();
    broken.put("no_dedup", searches.get("ds_mint_outcomes").replace("| dedup event_id ", ""));
    broken.put("counts_intents", searches.get("ds_mints").replace("details.phase=\"issued\"", ""));
    List<String> found = problems(broken, distinct(run.delivered()), run.now());
    assertEquals(2, found.size(), found.toString());
    assertTrue(found.get(0).startsWith("no_dedup: duplicate deliveries change"), found.get(0));
    assertTrue(found.get(1).startsWith("counts_intents: intent events change"), found.get(1));
  }

  /**
   * For every search: duplicating every delivery must not change its result (unless it watches
   * deliveries), and removing intent events must not either (unless the intent is its subject).
   */
  static List<String> problems(
      Map<String, String> searches, List<Map<String, Object>> once, double now) {
    List<Map<String, Object>> twice = new ArrayList<>();
    for (Map<String, Object> e : once) {
      twice.add(e);
      Map<String, Object> again = new LinkedHashMap<>(e);
      again.put("_indextime", (Double) e.get("_indextime") + 30);
      twice.add(again);
    }
    List<Map<String, Object>> withoutIntents =
        once.stream().filter(e -> !"intent".equals(e.get("details.phase"))).toList();
    List<String> out = new ArrayList<>();
    searches.forEach(
        (name, spl) -> {
          List<Map<String, Object>> base = SplSearch.run(spl, once, now);
          if (!DELIVERY_HEALTH.contains(name)) {
            if (!base.equals(SplSearch.run(spl, twice, now))) {
              out.add(name + ": duplicate deliveries change its result (dedup event_id?)");
            }
            if (!INTENT_SIGNAL.contains(name)
                && !base.equals(SplSearch.run(spl, withoutIntents, now))) {
              out.add(name + ": intent events change its result (count issuances only)");
            }
          }
        });
    return out;
  }

  private Run scenario() throws Exception {
    MutableClock clock = new MutableClock(Instant.now());
    Caller caller = new Caller("https://issuer.test", "agent-launcher", Map.of());
    RequestMeta meta = new RequestMeta("req-1", "127.0.0.1");
    Path journalDir = dir.resolve("journal-" + System.nanoTime());
    String issuedToken;
    List<Map<String, Object>> delivered = new ArrayList<>();
    try (GitHubSimulator sim =
            GitHubSimulator.start(SimulatorFixture.demo(appKey.getPublic()), clock);
        FileJournal journal = FileJournal.open(JournalConfig.defaults(journalDir), clock);
        HecReceiver hec = HecReceiver.start(HecReceiverSettings.of(HEC_TOKEN))) {
      GitHubAppClient github =
          GitHubAppClient.createForTest(
              GitHubSettings.defaults(sim.baseUri(), "424242"),
              FileAppJwtSigner.ofKey((RSAPrivateCrtKey) appKey.getPrivate()),
              clock,
              d -> {});
      var policy = PolicyCompiler.compile(POLICY, "test-policy.yaml");
      LeaseRegistry leases = new LeaseRegistry(clock, 100);
      TokenService service =
          new TokenService(() -> policy, github, journal, leases, MintAdmission.UNLIMITED, clock);
      // 1. intent + issuance
      MintResult.Issued issued =
          assertInstanceOf(MintResult.Issued.class, service.mint(caller, request("svc-a"), meta));
      issuedToken = issued.token().token();
      // 2. a policy denial
      assertInstanceOf(MintResult.Refused.class, service.mint(caller, request("secret"), meta));
      // 3. GitHub refuses after the intent (the policy allows svc-*, the installation has no
      // svc-zz): intent + failed
      assertInstanceOf(MintResult.Refused.class, service.mint(caller, request("svc-zz"), meta));
      // 4. the journal fails at the issuance: intent only, the token is revoked
      TokenService failing =
          new TokenService(
              () -> policy,
              github,
              failingAtIssuance(journal),
              leases,
              MintAdmission.UNLIMITED,
              clock);
      assertInstanceOf(MintResult.Refused.class, failing.mint(caller, request("svc-b"), meta));
      // Other panels' subjects, so their checks are not vacuous.
      journal.append(other("verb.add-topic", Outcomes.ALLOWED, clock, Map.of("phase", "intent")));
      journal.append(other("verb.add-topic", Outcomes.ALLOWED, clock, Map.of("phase", "result")));
      journal.append(
          other("egress.connect", Outcomes.DENIED, clock, Map.of("host", "evil.example")));
      journal.append(other("breakglass.use", Outcomes.ALLOWED, clock, Map.of()));

      hec.faults().dropAfterRecordNext(1); // indexed, reply lost: the shipper sends it again
      ShippingCursor cursor = ShippingCursor.open(dir.resolve("cursor-" + System.nanoTime()));
      long last = journal.stats().lastSequence();
      try (HecShipper shipper =
          HecShipper.start(hecConfig(hec), journal, cursor, Clock.systemUTC(), null)) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (cursor.lastShippedSequence() < last && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertEquals(last, cursor.lastShippedSequence(), "everything shipped");
      }
      List<ReceivedEvent> received = hec.received();
      for (int i = 0; i < received.size(); i++) {
        ReceivedEvent r = received.get(i);
        double time = Double.parseDouble(r.time());
        delivered.add(
            SplSearch.event(r.event(), time, time + 1 + i, r.host(), r.index(), r.sourcetype()));
      }
    }
    // GitHub's audit log: two actions by the issued token, one by a token the broker never issued.
    double t = clock.instant().getEpochSecond();
    delivered.add(github("git.clone", openSslStyleHashedToken(issuedToken), t));
    delivered.add(github("git.push", openSslStyleHashedToken(issuedToken), t));
    delivered.add(github("git.push", openSslStyleHashedToken("ghs_someone_else"), t));
    return new Run(delivered, issuedToken, t + 600);
  }

  private static final String HEC_TOKEN = "11111111-2222-3333-4444-555555555555";

  private static HecConfig hecConfig(HecReceiver hec) {
    return HecConfig.builder(hec.baseUri(), HEC_TOKEN)
        .index("audit")
        .host("broker-1")
        .maxBatchEvents(100)
        .maxBatchDelay(Duration.ofMillis(20))
        .pollInterval(Duration.ofMillis(5))
        .backoff(Duration.ofMillis(5), Duration.ofMillis(100))
        .permanentFailureRetry(Duration.ofMillis(50))
        .ackTiming(Duration.ofMillis(5), Duration.ofMillis(500))
        .timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5))
        .build();
  }

  /** GitHub's documented encoding, computed here without the code under test. */
  static String openSslStyleHashedToken(String token) throws Exception {
    byte[] d = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    return Base64.getEncoder().encodeToString(d);
  }

  /** A GitHub audit-log stream event (fields as GitHub documents them). */
  private static Map<String, Object> github(String action, String hashedToken, double t) {
    ObjectNode n = JSON.createObjectNode();
    n.put("action", action);
    n.put("actor", "demo-app[bot]");
    n.put("hashed_token", hashedToken);
    n.put("programmatic_access_type", "GitHub App server-to-server token");
    n.put("repo", "acme/svc-a");
    n.put("@timestamp", (long) t * 1000);
    return SplSearch.event(n, t, t + 5, "github", "github", "github:audit");
  }

  private static AuditEvent other(
      String action, String outcome, MutableClock clock, Map<String, String> details) {
    return AuditEvent.builder(action, outcome)
        .time(clock.instant())
        .identityId("launcher")
        .clientIp("10.0.0.7")
        .reason(outcome.equals(Outcomes.DENIED) ? "host_not_allowed" : "ok")
        .details(details)
        .build();
  }

  private static TokenRequest request(String repo) {
    return new TokenRequest("acme", List.of(repo), List.of(), Map.of("contents", "write"));
  }

  /** The real journal, failing the issuance append as a full disk would. */
  private static AuditJournal failingAtIssuance(FileJournal journal) {
    return new AuditJournal() {
      @Override
      public Appended append(AuditEvent event) throws AuditUnavailableException {
        if (event.details() != null && "issued".equals(event.details().get("phase"))) {
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

  private static List<Map<String, Object>> run(
      String name, Map<String, String> searches, List<Map<String, Object>> events, double now) {
    String spl = searches.get(name);
    assertTrue(spl != null, "no search " + name);
    return SplSearch.run(spl, events, now);
  }

  private static List<Map<String, Object>> distinct(List<Map<String, Object>> events) {
    Set<Object> seen = new HashSet<>();
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> e : events) {
      Object id = e.getOrDefault("event_id", e);
      if (seen.add(id)) {
        out.add(e);
      }
    }
    return out;
  }

  private static double total(List<Map<String, Object>> rows, String column) {
    return rows.stream()
        .mapToDouble(r -> ((Number) r.getOrDefault(column, 0.0)).doubleValue())
        .sum();
  }

  private static Map<Object, Object> byField(
      List<Map<String, Object>> rows, String key, String value) {
    Map<Object, Object> out = new LinkedHashMap<>();
    rows.forEach(r -> out.merge(r.get(key), r.get(value), (a, b) -> (Double) a + (Double) b));
    return out;
  }

  private static Map<Object, Double> countBy(List<Map<String, Object>> rows, String key) {
    Map<Object, Double> out = new LinkedHashMap<>();
    rows.forEach(r -> out.merge(r.get(key), 1.0, Double::sum));
    return out;
  }
}
