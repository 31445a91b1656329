package dev.agentbroker.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentbroker.testkit.github.InstallationTokens;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Secrets fed into every caller-controllable field never reach the serialized event. */
class SecretScrubberTest {
  static final List<String> SECRETS =
      List.of(
          "ghs_16C7e42F292c6912E7710c838347Ae178B4a",
          "ghs_424242_" + "A".repeat(500),
          InstallationTokens.statelessSample(424242, 51_000_001),
          "ghs_424242_eyJhbGciOiJSUzI1NiJ9.eyJpbnN0YWxsYXRpb25faWQiOjF9.a-b_c-d",
          "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
          "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
          "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2lnbmF0dXJl",
          "hvs.CAESIJ4c2Vj3jNHxaNbqkmN1yG2Ud2V4dmFsdWU",
          "-----BEGIN RSA PRIVATE KEY-----");

  @Test
  void everyFieldIsScrubbed() {
    for (String secret : SECRETS) {
      String v = "x-" + secret + "-y";
      AuditEvent e =
          AuditEvent.builder("token.mint", Outcomes.DENIED)
              .time(Instant.parse("2026-11-25T10:00:00Z"))
              .reason(v)
              .ruleId(v)
              .issuer(v)
              .subject(v)
              .identityId(v)
              .profile(v)
              .owner(v)
              .repositories(List.of(v, "svc-a"))
              .permissions(Map.of(v, v))
              .leaseId(v)
              .requestId(v)
              .clientIp(v)
              .severity(v)
              .details(Map.of("k", v, v, "k2"))
              .build();
      String json = AuditEventJson.toJson(e);
      assertFalse(json.contains(secret), "leaked: " + secret.substring(0, 10));
      for (String part : secret.split("[.\\-]")) {
        // No piece survives either: a JWT's claims or signature alone is still its content.
        if (part.length() >= 8) {
          assertFalse(json.contains(part), "leaked part of: " + secret.substring(0, 10));
        }
      }
      assertTrue(json.contains("[redacted sha256:"), json);
      assertTrue(json.contains("\"svc-a\""), "ordinary values are kept");
    }
  }

  @Test
  void markerCarriesTheSecretsHashPrefixForCorrelation() {
    String token = "ghs_16C7e42F292c6912E7710c838347Ae178B4a";
    assertEquals(
        "repo [redacted sha256:" + TokenHashes.sha256Hex(token).substring(0, 16) + "] end",
        SecretScrubber.scrub("repo " + token + " end"));
  }

  /**
   * GitHub's 2026 stateless installation token {@code ghs_<appId>_<JWT>} (~520 chars, two dots,
   * base64url) is replaced whole, with the marker hashing the whole token; a sentence's full stop
   * after it is kept.
   */
  @Test
  void statelessInstallationTokenIsRedactedWhole() {
    String token = InstallationTokens.statelessSample(424242, 51_000_001);
    assertTrue(token.length() > 500 && token.chars().filter(c -> c == '.').count() == 2, token);
    assertEquals(
        "Bearer [redacted sha256:" + TokenHashes.sha256Hex(token).substring(0, 16) + "]. next",
        SecretScrubber.scrub("Bearer " + token + ". next"));
    String dashed = "ghs_424242_eyJhbGciOiJSUzI1NiJ9.eyJhIjoxfQ.sig-with_dash-";
    assertEquals(
        "[redacted sha256:" + TokenHashes.sha256Hex(dashed).substring(0, 16) + "]",
        SecretScrubber.scrub(dashed));
  }

  @Test
  void ordinaryTextIsUntouched() {
    for (String ok :
        List.of(
            "agent-launcher",
            "repo:acme/release-tools:ref:refs/heads/main",
            "svc-*",
            "ghs_short")) {
      assertEquals(ok, SecretScrubber.scrub(ok));
    }
    assertEquals(null, SecretScrubber.scrub(null));
  }
}
