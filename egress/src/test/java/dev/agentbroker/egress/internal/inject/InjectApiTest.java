package dev.agentbroker.egress.internal.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.egress.internal.inject.InjectHarness.Result;
import dev.agentbroker.testkit.git.GitHttpHost;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * curl as the sandbox's API client through the injecting proxy, against an HTTPS API stand-in that
 * admits only live simulator tokens: the sandbox's own Authorization is dropped, the run's token
 * added; endpoints outside the allowlist and other repositories are refused with a reason; a
 * keep-alive connection carries several requests through one CONNECT; the registration API needs
 * its secret; ending a run revokes its token; no token text reaches logs or journal.
 */
class InjectApiTest {
  @TempDir Path dir;
  InjectHarness h;

  @BeforeEach
  void start() throws Exception {
    h = new InjectHarness(dir, GitHttpHost.DEFAULT_MAX_BODY_BYTES);
  }

  @AfterEach
  void stop() {
    if (h != null) {
      h.close();
    }
  }

  private Result curl(String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of("curl", "-sS", "--cacert", h.caPem.toString(), "-w", "\n%{http_code}\n"));
    cmd.addAll(List.of(args));
    return InjectHarness.run(dir, h.sandboxEnv(), cmd.toArray(new String[0]));
  }

  @Test
  void sandboxAuthorizationIsReplacedByTheRunsToken() throws Exception {
    assertEquals(201, h.register("run-api-1", "svc-a").statusCode());
    Result r =
        curl(
            "-H",
            "Authorization: Bearer ghp_sandbox_supplied_value",
            h.apiUrl("/repos/acme/svc-a"));
    assertTrue(r.output().endsWith("\n200\n"), r.output());
    assertTrue(r.output().contains("\"full_name\":\"acme/svc-a\""), r.output());
    assertEquals(1, h.broker.tokens.size());
    assertEquals(List.of("Bearer " + h.broker.tokens.get(0)), h.api.authorizations);
  }

  @Test
  void refusalsCarryAStableReasonAndNeverReachTheUpstream() throws Exception {
    assertEquals(201, h.register("run-api-2", "svc-a").statusCode());
    Result other = curl("-i", h.apiUrl("/repos/acme/svc-b"));
    assertTrue(other.output().contains("HTTP/1.1 403"), other.output());
    assertTrue(other.output().contains("X-Egress-Reason: cross_repository"), other.output());
    assertTrue(other.output().contains("\"code\":\"cross_repository\""), other.output());
    Result user = curl("-i", h.apiUrl("/user"));
    assertTrue(user.output().contains("\"code\":\"endpoint_not_allowed\""), user.output());
    Result delete = curl("-i", "-X", "DELETE", h.apiUrl("/repos/acme/svc-a"));
    assertTrue(delete.output().contains("\"code\":\"endpoint_not_allowed\""), delete.output());
    assertTrue(h.api.paths.isEmpty(), h.api.paths.toString());
    assertTrue(h.broker.mints.isEmpty(), "nothing refused needs a token");
    String logs = h.logs.toString();
    assertTrue(logs.contains("reason=cross_repository status=403"), logs);
    assertTrue(logs.contains("reason=endpoint_not_allowed status=403"), logs);
  }

  @Test
  void keepAliveCarriesSeveralRequestsThroughOneTunnel() throws Exception {
    assertEquals(201, h.register("run-api-3", "svc-a").statusCode());
    Result r =
        curl(
            h.apiUrl("/repos/acme/svc-a"),
            h.apiUrl("/repos/acme/svc-a"),
            h.apiUrl("/repos/acme/svc-a"));
    assertEquals(3, r.output().split("\n200\n", -1).length - 1, r.output());
    String logs = h.logs.toString();
    assertEquals(1, count(logs, "action=egress.connect "), logs);
    assertEquals(3, count(logs, "egress.inject id="), logs);
    assertEquals(1, h.broker.mints.size(), "one token for the run, reused");
  }

  @Test
  void aRefusedMintIsA502WithTheBrokersCodeInTheLog() throws Exception {
    assertEquals(201, h.register("run-api-7", "svc-a").statusCode());
    h.broker.refuseWith = "policy_denied";
    Result r = curl("-i", h.apiUrl("/repos/acme/svc-a"));
    assertTrue(r.output().contains("HTTP/1.1 502"), r.output());
    assertTrue(r.output().contains("\"code\":\"mint_failed\""), r.output());
    assertTrue(h.logs.toString().contains("reason=mint_failed status=502"), h.logs.toString());
    assertTrue(h.logs.toString().contains("mint_code=policy_denied"), h.logs.toString());
    assertTrue(h.api.paths.isEmpty());
    h.broker.refuseWith = null;
    assertTrue(curl(h.apiUrl("/repos/acme/svc-a")).output().endsWith("\n200\n"), "mints again");
  }

  @Test
  void withoutARegisteredRunNothingIsForwarded() throws Exception {
    Result r = curl("-i", h.apiUrl("/repos/acme/svc-a"));
    assertTrue(r.output().contains("\"code\":\"no_run\""), r.output());
    assertTrue(h.api.paths.isEmpty());
  }

  @Test
  void aProxyUserWithoutInjectionKeepsAnOpaqueTunnel() throws Exception {
    Path upstreamCa = dir.resolve("upstream-only.pem");
    Files.writeString(upstreamCa, h.upstreamCa.certificatePem());
    Map<String, String> env =
        Map.of(
            "PATH",
            System.getenv("PATH"),
            "HTTPS_PROXY",
            h.proxyUrl(false)
                .replace(
                    "http://",
                    "http://" + InjectHarness.PLAIN_USER + ":" + InjectHarness.PROXY_SECRET + "@"));
    Result r =
        InjectHarness.run(
            dir,
            env,
            "curl",
            "-sS",
            "--cacert",
            upstreamCa.toString(),
            "-H",
            "Authorization: Bearer client-own",
            "-w",
            "\n%{http_code}\n",
            h.apiUrl("/repos/acme/svc-a"));
    // The upstream's own certificate (not the injection CA) and the client's own header.
    assertTrue(r.output().endsWith("\n401\n"), r.output());
    assertEquals(List.of("Bearer client-own"), h.api.authorizations);
    assertFalse(h.logs.toString().contains("egress.inject id="));
  }

  @Test
  void registrationNeedsTheSecretAndAKnownUser() throws Exception {
    String body =
        "{\"proxy_user\":\"sandbox-1\",\"owner\":\"acme\",\"repositories\":[\"svc-a\"],"
            + "\"permissions\":{\"contents\":\"read\"},\"expires_at\":\""
            + h.clock.instant().plusSeconds(600)
            + "\"}";
    assertEquals(401, h.control("PUT", "/runs/r1", null, body).statusCode());
    assertEquals(401, h.control("PUT", "/runs/r1", "wrong-secret", body).statusCode());
    HttpResponse<String> unknown =
        h.control(
            "PUT", "/runs/r1", InjectHarness.CONTROL_SECRET, body.replace("sandbox-1", "plain-1"));
    assertEquals(422, unknown.statusCode());
    assertTrue(unknown.body().contains("\"code\":\"not_inject_user\""), unknown.body());
    assertEquals(
        400,
        h.control(
                "PUT",
                "/runs/r1",
                InjectHarness.CONTROL_SECRET,
                body.replace("\"read\"", "\"admin\""))
            .statusCode());
    assertEquals(
        201, h.control("PUT", "/runs/r1", InjectHarness.CONTROL_SECRET, body).statusCode());
    assertEquals(
        409,
        h.control("PUT", "/runs/r2", InjectHarness.CONTROL_SECRET, body).statusCode(),
        "one run per proxy user");
    HttpResponse<String> ca = h.control("GET", "/ca.pem", InjectHarness.CONTROL_SECRET, null);
    assertEquals(200, ca.statusCode());
    assertEquals(h.injector.caPem(), ca.body());
  }

  @Test
  void endingTheRunRevokesItsTokenAndStopsInjection() throws Exception {
    assertEquals(201, h.register("run-api-4", "svc-a").statusCode());
    assertTrue(curl(h.apiUrl("/repos/acme/svc-a")).output().endsWith("\n200\n"));
    String token = h.broker.tokens.get(0);
    assertTrue(h.sim.isTokenActive(token));
    assertEquals(
        204,
        h.control("DELETE", "/runs/run-api-4", InjectHarness.CONTROL_SECRET, null).statusCode());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (h.broker.revoked.isEmpty() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertEquals(1, h.broker.revoked.size());
    assertFalse(h.sim.isTokenActive(token));
    assertTrue(curl(h.apiUrl("/repos/acme/svc-a")).output().contains("\"code\":\"no_run\""));
  }

  @Test
  void anExpiredRunIsEndedAndItsTokenRevoked() throws Exception {
    assertEquals(201, h.register("run-api-5", "svc-a").statusCode());
    assertTrue(curl(h.apiUrl("/repos/acme/svc-a")).output().endsWith("\n200\n"));
    h.clock.advance(java.time.Duration.ofHours(3));
    h.injector.runs().expireDue();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (h.broker.revoked.isEmpty() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertEquals(1, h.broker.revoked.size());
    assertEquals(0, h.injector.runs().size());
  }

  @Test
  void noTokenTextInLogsOrJournalAndNoCaKeyInTheCaFile() throws Exception {
    assertEquals(201, h.register("run-api-6", "svc-a").statusCode());
    for (int i = 0; i < 3; i++) {
      curl("-H", "Authorization: token sandbox-secret-value", h.apiUrl("/repos/acme/svc-a"));
      curl(h.apiUrl("/repos/acme/svc-b"));
    }
    h.proxy.close();
    String journal = h.journalText();
    assertTrue(journal.contains("egress.inject"), journal);
    assertTrue(journal.contains("\"path_template\":\"/repos/{owner}/{repo}\""), journal);
    assertTrue(journal.contains("run-api-6"), journal);
    String logs = h.logs.toString();
    assertFalse(h.broker.tokens.isEmpty());
    for (String token : h.broker.tokens) {
      assertFalse(logs.contains(token), "token in logs");
      assertFalse(journal.contains(token), "token in journal");
      assertFalse(logs.contains(token.substring(token.length() - 20)));
    }
    assertFalse(logs.contains("sandbox-secret-value"));
    assertFalse(logs.contains(InjectHarness.CONTROL_SECRET));
    assertFalse(logs.contains(h.callerJwt));
    String ca = Files.readString(h.caPem);
    assertTrue(ca.contains("BEGIN CERTIFICATE"));
    assertFalse(ca.contains("PRIVATE"));
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
