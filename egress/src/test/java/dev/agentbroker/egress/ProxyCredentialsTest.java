package dev.agentbroker.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.audit.JournalReader;
import dev.agentbroker.audit.JournalRecord;
import dev.agentbroker.egress.support.Curl;
import dev.agentbroker.egress.support.Harness;
import dev.agentbroker.egress.support.Origin;
import dev.agentbroker.egress.support.Raw;
import dev.agentbroker.egress.support.TestCerts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Proxy credentials as a client selector: user {@code agent-7} from 127.0.0.1 gets group {@code
 * other}, which the address-only entry does not have. Wrong credentials are refused, never
 * downgraded to anonymous, and the secret appears nowhere.
 */
class ProxyCredentialsTest {
  @TempDir static Path dir;
  static TestCerts certs;
  static Origin origin;
  static Harness h;
  static Path ca;

  /** Held strongly: JUL keeps loggers weakly, and a collected logger loses its handler. */
  static final Logger EGRESS_LOG = Logger.getLogger("dev.agentbroker.egress");

  static final List<String> logLines = new ArrayList<>();
  static final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          synchronized (logLines) {
            logLines.add(r.getMessage());
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeAll
  static void start() throws Exception {
    EGRESS_LOG.addHandler(capture);
    certs = TestCerts.generate();
    origin = Origin.tls(certs.serverContext(), 0);
    h = new Harness(dir, List.of(origin.port()), Harness.limits());
    ca = certs.writePem(dir.resolve("ca.pem"));
  }

  @AfterAll
  static void stop() throws Exception {
    EGRESS_LOG.removeHandler(capture);
    h.close();
    origin.close();
  }

  @BeforeEach
  void drain() {
    h.decisions.clear();
  }

  private static String basic(String userAndSecret) {
    return "Basic "
        + Base64.getEncoder().encodeToString(userAndSecret.getBytes(StandardCharsets.UTF_8));
  }

  private String connect(String host, String... headers) throws Exception {
    StringBuilder b = new StringBuilder("CONNECT " + host + ":" + origin.port() + " HTTP/1.1\r\n");
    for (String hdr : headers) {
      b.append(hdr).append("\r\n");
    }
    return Raw.exchange(h.proxyPort(), b.append("\r\n").toString());
  }

  @Test
  void curlWithCredentialsReachesTheUsersGroup() throws Exception {
    Curl.Result r =
        Curl.run(
            Map.of(),
            "-x",
            "http://agent-7:" + Harness.PROXY_SECRET + "@127.0.0.1:" + h.proxyPort(),
            "--cacert",
            ca.toString(),
            "-o",
            "-",
            "https://other.test:" + origin.port() + "/small");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().startsWith("hello\n"), r.out());
    EgressDecision d = h.next("egress.connect");
    assertEquals("allowed", d.reason());
    assertEquals("agent-7", d.user());
    assertEquals("other", d.group());
    // The user's entry replaces the address-only one: origin.test (group test) is not in it.
    String resp =
        connect("origin.test", "Proxy-Authorization: " + basic("agent-7:" + Harness.PROXY_SECRET));
    assertTrue(resp.startsWith("HTTP/1.1 403 "), resp);
    assertTrue(resp.contains("X-Egress-Reason: host_not_allowed"), resp);
  }

  @Test
  void withoutCredentialsTheAddressEntryApplies() throws Exception {
    String resp = connect("other.test");
    assertTrue(resp.contains("X-Egress-Reason: host_not_allowed"), resp);
    assertEquals("-", h.next("egress.connect").user());
    // And without credentials origin.test is reachable as before.
    assertTrue(connect("origin.test").startsWith("HTTP/1.1 200 "));
  }

  static Stream<String> badCredentials() {
    return Stream.of(
        basic("agent-7:wrong-secret"),
        basic("agent-7:" + Harness.PROXY_SECRET + "x"),
        basic("nobody:" + Harness.PROXY_SECRET),
        basic("AGENT-7:" + Harness.PROXY_SECRET),
        basic(":" + Harness.PROXY_SECRET),
        basic("agent-7"),
        basic("agent-7:"),
        "Basic !!!not-base64!!!",
        "Basic",
        "Bearer " + Harness.PROXY_SECRET,
        "Digest username=\"agent-7\"",
        basic("agent-7:" + Harness.PROXY_SECRET).replace("Basic ", "Basic  x"));
  }

  @ParameterizedTest
  @MethodSource("badCredentials")
  void badCredentialsAreRefusedNotIgnored(String header) throws Exception {
    // origin.test is allowed anonymously: bad credentials must not fall back to that.
    String resp = connect("origin.test", "Proxy-Authorization: " + header);
    assertTrue(resp.startsWith("HTTP/1.1 407 Proxy Authentication Required\r\n"), resp);
    assertTrue(resp.contains("\r\nProxy-Authenticate: Basic realm=\"egress\"\r\n"), resp);
    assertTrue(resp.contains("X-Egress-Reason: bad_credentials"), resp);
    EgressDecision d = h.next("egress.connect");
    assertEquals("bad_credentials", d.reason());
    assertEquals(407, d.status());
    assertEquals("-", d.user());
  }

  @Test
  void twoCredentialHeadersAreRefused() throws Exception {
    String good = "Proxy-Authorization: " + basic("agent-7:" + Harness.PROXY_SECRET);
    String resp = connect("other.test", good, good);
    assertTrue(resp.contains("X-Egress-Reason: bad_credentials"), resp);
  }

  @Test
  void anAddressWithOnlyUserEntriesAsksForCredentials() throws Exception {
    Files.writeString(
        h.policyFile,
        Harness.POLICY.replace(
            "    - {cidr: 127.0.0.0/8, profile: autonomous, groups: [test]}\n", ""));
    assertTrue(h.proxy.reloadNow());
    try {
      String resp = connect("origin.test");
      assertTrue(resp.startsWith("HTTP/1.1 407 "), resp);
      assertTrue(resp.contains("Proxy-Authenticate: Basic"), resp);
      assertTrue(resp.contains("X-Egress-Reason: credentials_required"), resp);
      String ok =
          connect("other.test", "Proxy-Authorization: " + basic("agent-7:" + Harness.PROXY_SECRET));
      assertTrue(ok.startsWith("HTTP/1.1 200 "), ok);
    } finally {
      Files.writeString(h.policyFile, Harness.POLICY);
      assertTrue(h.proxy.reloadNow());
    }
  }

  @Test
  void aPolicyUserWithoutASecretIsRejectedOnReload() throws Exception {
    Files.writeString(
        h.policyFile, Harness.POLICY.replace("proxy_user: agent-7", "proxy_user: agent-8"));
    try {
      assertFalse(h.proxy.reloadNow());
      // Last good kept: agent-7 still works.
      String ok =
          connect("other.test", "Proxy-Authorization: " + basic("agent-7:" + Harness.PROXY_SECRET));
      assertTrue(ok.startsWith("HTTP/1.1 200 "), ok);
    } finally {
      Files.writeString(h.policyFile, Harness.POLICY);
      h.proxy.reloadNow();
    }
  }

  @Test
  void theSecretIsNeverLoggedOrJournaled() throws Exception {
    String encoded = basic("agent-7:" + Harness.PROXY_SECRET).substring(6);
    connect("other.test", "Proxy-Authorization: " + basic("agent-7:" + Harness.PROXY_SECRET));
    connect(
        "origin.test", "Proxy-Authorization: " + basic("agent-7:" + Harness.PROXY_SECRET + "x"));
    h.next("egress.close");
    // Wait until the journal has the close of this tunnel, then scan everything.
    long deadline = System.nanoTime() + 5_000_000_000L;
    String journal = "";
    while (!journal.contains("agent-7") || !journal.contains("bad_credentials")) {
      assertTrue(System.nanoTime() < deadline, "journal never showed the events: " + journal);
      StringBuilder all = new StringBuilder();
      try (JournalReader reader = JournalReader.open(dir.resolve("audit"), 1)) {
        Optional<JournalRecord> rec;
        while ((rec = reader.next()).isPresent()) {
          all.append(rec.get().eventJson()).append('\n');
        }
      }
      journal = all.toString();
      Thread.sleep(20);
    }
    String logs;
    synchronized (logLines) {
      logs = String.join("\n", logLines);
    }
    assertTrue(
        logs.contains("user=agent-7"), "the user is logged, so the scan looks at real lines");
    for (String text : List.of(journal, logs, h.proxy.scrape())) {
      assertFalse(text.contains(Harness.PROXY_SECRET), "secret leaked");
      assertFalse(text.contains(encoded), "encoded credentials leaked");
    }
  }
}
