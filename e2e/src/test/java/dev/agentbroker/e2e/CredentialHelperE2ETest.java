package dev.agentbroker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.sandbox.internal.broker.BrokerClient;
import dev.agentbroker.sandbox.internal.broker.TokenRequestBody;
import dev.agentbroker.sandbox.internal.caller.CallerCredentials;
import dev.agentbroker.sandbox.internal.credential.CredentialEndpoint;
import dev.agentbroker.sandbox.internal.credential.TokenCache;
import dev.agentbroker.sandbox.internal.run.HelperFiles;
import dev.agentbroker.sandbox.internal.run.RunLog;
import dev.agentbroker.sandbox.internal.settings.CallerSource;
import dev.agentbroker.sandbox.internal.settings.RepoRef;
import dev.agentbroker.testkit.MutableClock;
import dev.agentbroker.testkit.demo.DemoStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * git's credential protocol driven by the real {@code git}: the run's helper (the script a sandbox
 * gets, talking to the run's credential endpoint, here on loopback) reuses a token while more than
 * ten minutes are left and re-mints after (the cache's clock is moved, the broker and GitHub are
 * real), re-mints after git reports a rejected token, and answers nothing for another repository or
 * host; the host-side {@code agent credential} mints per request.
 */
class CredentialHelperE2ETest {
  static DemoStack chain;
  @TempDir Path home;
  final MutableClock clock = new MutableClock(java.time.Instant.now());
  final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
  TokenCache cache;
  CredentialEndpoint endpoint;
  HelperFiles files;

  @BeforeAll
  static void start() throws Exception {
    chain = Chain.get();
  }

  @BeforeEach
  void endpoint() throws Exception {
    BrokerClient broker =
        new BrokerClient(
            chain.brokerUrl(),
            new CallerCredentials(
                new CallerSource.File(chain.work().resolve("caller.jwt")), Clock.systemUTC()));
    TokenRequestBody body =
        new TokenRequestBody(RepoRef.parse("acme/svc-a"), Map.of("contents", "write"));
    cache = new TokenCache(() -> broker.mint(body), clock);
    RunLog log =
        new RunLog(new PrintStream(logBytes, true, StandardCharsets.UTF_8), false, "e2ecred");
    endpoint =
        CredentialEndpoint.start(
            "127.0.0.1",
            "127.0.0.1",
            cache,
            RepoRef.parse("acme/svc-a"),
            "localhost:" + chain.git().port(),
            log);
    files = HelperFiles.write("e2ecred", Optional.empty());
  }

  @AfterEach
  void stop() {
    endpoint.close();
    files.close();
    cache.close();
  }

  /** Real git with the sandbox's helper configuration, pointed at the endpoint. */
  record Git(int exit, String output) {}

  Git git(String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of("git"));
    argv.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).directory(home.toFile());
    Map<String, String> env = pb.environment();
    env.clear();
    env.put("PATH", System.getenv("PATH"));
    env.put("HOME", home.toString());
    env.put("GIT_TERMINAL_PROMPT", "0");
    env.put("GIT_SSL_CAINFO", chain.work().resolve("git-ca.pem").toString());
    env.put("AGENT_CREDENTIAL_URL", "http://127.0.0.1:" + endpoint.port());
    String key = "credential.https://localhost:" + chain.git().port();
    env.put("GIT_CONFIG_COUNT", "3");
    env.put("GIT_CONFIG_KEY_0", "credential.helper");
    env.put("GIT_CONFIG_VALUE_0", "");
    env.put("GIT_CONFIG_KEY_1", key + ".helper");
    env.put("GIT_CONFIG_VALUE_1", files.dir().resolve(HelperFiles.CREDENTIAL_HELPER).toString());
    env.put("GIT_CONFIG_KEY_2", key + ".useHttpPath");
    env.put("GIT_CONFIG_VALUE_2", "true");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return new Git(p.exitValue(), out);
  }

  @Test
  void reusesWhileTenMinutesAreLeftThenReMints() throws Exception {
    String url = chain.git().repoUrl("acme/svc-a");
    int issued = chain.simulator().issuedTokenCount();
    assertEquals(0, git("ls-remote", url).exit());
    assertEquals(issued + 1, chain.simulator().issuedTokenCount(), "first get mints");
    String first = cache.get().lease().token();
    assertEquals(0, git("ls-remote", url).exit());
    clock.advance(Duration.ofMinutes(49));
    assertEquals(0, git("ls-remote", url).exit());
    assertEquals(issued + 1, chain.simulator().issuedTokenCount(), "reused with 11 minutes left");
    clock.advance(Duration.ofMinutes(2));
    assertEquals(0, git("ls-remote", url).exit());
    assertEquals(issued + 2, chain.simulator().issuedTokenCount(), "re-minted with 9 minutes left");
    // (not cache.get(): on the moved clock the new token, minted at real time, is already near
    // expiry)
    assertEquals(2, cache.mints(), "a second token, not the first reused");
    String log = logBytes.toString(StandardCharsets.UTF_8);
    assertTrue(log.contains("token=minted") && log.contains("token=reused"), log);
    assertFalse(log.contains(first), "the log never carries a token");
  }

  @Test
  void aRejectedTokenIsErasedAndTheNextGetReMints() throws Exception {
    String url = chain.git().repoUrl("acme/svc-a");
    assertEquals(0, git("ls-remote", url).exit());
    String token = cache.get().lease().token();
    HttpResponse<Void> revoked =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(chain.simulator().baseUri() + "/installation/token"))
                    .header("Authorization", "token " + token)
                    .header("User-Agent", "e2e")
                    .DELETE()
                    .build(),
                HttpResponse.BodyHandlers.discarding());
    assertEquals(204, revoked.statusCode(), "revoked behind the cache's back");
    Git failed = git("ls-remote", url);
    assertNotEquals(0, failed.exit(), "git tried the dead token: " + failed.output());
    assertTrue(
        logBytes.toString(StandardCharsets.UTF_8).contains("action=erase outcome=erased"),
        "git told the helper");
    clock.advance(TokenCache.MIN_INTERVAL); // re-mints are at most one per interval
    assertEquals(0, git("ls-remote", url).exit(), "the next command gets a fresh token");
    assertNotEquals(token, cache.get().lease().token());
  }

  @Test
  void anotherRepositoryOrHostGetsNothing() throws Exception {
    int issued = chain.simulator().issuedTokenCount();
    Git other = git("ls-remote", chain.git().repoUrl("acme/svc-b"));
    assertNotEquals(0, other.exit(), other.output());
    Git otherHost = git("ls-remote", "https://127.0.0.1:" + chain.git().port() + "/acme/svc-a.git");
    assertNotEquals(0, otherHost.exit(), otherHost.output());
    assertEquals(issued, chain.simulator().issuedTokenCount(), "nothing minted for either");
    assertTrue(logBytes.toString(StandardCharsets.UTF_8).contains("reason=not_this_run"));
  }

  @Test
  void onlyTheSandboxAddressMayAsk() throws Exception {
    try (CredentialEndpoint strict =
        CredentialEndpoint.start(
            "127.0.0.1",
            "127.0.0.2",
            cache,
            RepoRef.parse("acme/svc-a"),
            "localhost:1",
            new RunLog(new PrintStream(logBytes), true, "x"))) {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + strict.port() + "/token"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(403, r.statusCode());
      assertEquals("", r.body());
    }
  }

  @Test
  void hostSideAgentCredentialMintsForTheRepositoryInThePath(@TempDir Path bin) throws Exception {
    Path helper = bin.resolve("agent-credential");
    StringBuilder sh = new StringBuilder("#!/bin/sh\n");
    Chain.agentEnv()
        .forEach((k, v) -> sh.append("export ").append(k).append("='").append(v).append("'\n"));
    sh.append("exec java -XX:TieredStopAtLevel=1 -cp '")
        .append(Chain.agentClasspath())
        .append("' dev.agentbroker.sandbox.AgentMain credential -q \"$@\"\n");
    Files.writeString(helper, sh.toString());
    helper.toFile().setExecutable(true);
    int issued = chain.simulator().issuedTokenCount();
    String key = "credential.https://localhost:" + chain.git().port();
    List<String> withHelper =
        List.of(
            "git",
            "-c",
            "credential.helper=",
            "-c",
            key + ".helper=" + helper,
            "-c",
            key + ".useHttpPath=true");
    Git ok = run(concat(withHelper, "ls-remote", chain.git().repoUrl("acme/svc-a")));
    assertEquals(0, ok.exit(), ok.output());
    assertTrue(ok.output().contains("refs/heads/main"));
    assertEquals(issued + 1, chain.simulator().issuedTokenCount());
    Git denied =
        run(
            concat(
                withHelper,
                "ls-remote",
                "https://127.0.0.1:" + chain.git().port() + "/acme/svc-a.git"));
    assertNotEquals(0, denied.exit());
    assertEquals(issued + 1, chain.simulator().issuedTokenCount(), "another host: nothing minted");
  }

  static List<String> concat(List<String> head, String... tail) {
    List<String> all = new ArrayList<>(head);
    all.addAll(List.of(tail));
    return all;
  }

  Git run(List<String> argv) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).directory(home.toFile());
    pb.environment().clear();
    pb.environment().put("PATH", System.getenv("PATH"));
    pb.environment().put("HOME", home.toString());
    pb.environment().put("GIT_TERMINAL_PROMPT", "0");
    pb.environment().put("GIT_SSL_CAINFO", chain.work().resolve("git-ca.pem").toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return new Git(p.exitValue(), out);
  }
}
